from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import services as accounts_services
from accounts.models import Role
from common.errors import DomainError
from common.forms import add_domain_error, error_summary_items
from common.streaming import csv_download, spreadsheet_safe
from jobs.documents import stored_file_response
from tenancy.academic_year import academic_year_label, current_academic_year, year_from_request, year_links
from tenancy.selectors import get_la_for_user

from . import selectors, services
from .documents import document_filename
from .forms import (
    AnswersForm,
    ContactInvitationForm,
    CourseForm,
    ImpactForm,
    SessionForm,
    StaffFormSet,
    attendance_marks,
)
from .models import Place
from .programme import CORE_PROGRAMME_2004_05, SENIOR_LEADER_QUESTIONS
from .rules import BOOKING_ROLES, booking_school_ids


def _own_school_ids(request) -> set[int]:
    """The schools whose places this person sees on programme and session pages."""
    if request.access.is_la_admin:
        return set()
    return booking_school_ids(request.access) | set(request.access.sip_school_ids)


def programme(request, la_code):
    """The LA's programme for a year: courses by subject with their sessions and how full they are."""
    la = get_la_for_user(request, "training.view_programme")
    year = year_from_request(request)
    can_manage = request.user.has_perm("training.manage_programme", la)
    courses = selectors.programme(la, year, _own_school_ids(request))
    if not can_manage:
        courses = [c for c in courses if not c.is_retired]
    return render(
        request,
        "training/programme.html",
        {
            "courses": courses,
            "year": year,
            "year_label": academic_year_label(year),
            "years": year_links(year, selectors.programme_years(la)),
            "can_manage": can_manage,
            "can_copy": can_manage and len(courses) < len(CORE_PROGRAMME_2004_05),
            "bookable_schools": booking_school_ids(request.access),
            "own_schools": list({m.school for m in request.access.memberships if m.role in BOOKING_ROLES}),
        },
    )


@require_POST
def programme_copy(request, la_code):
    la = get_la_for_user(request, "training.manage_programme")
    year = year_from_request(request)
    added = services.programme_copy(actor=request.user, la=la, academic_year=year, request=request)
    messages.success(request, f"{len(added)} courses of the 2004–05 programme added to {academic_year_label(year)}.")
    return redirect(reverse("training:programme", args=[la_code]) + f"?year={year}")


def course_new(request, la_code):
    la = get_la_for_user(request, "training.manage_programme")
    year = year_from_request(request)
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_save(
                actor=request.user, la=la, academic_year=year, values=form.cleaned_data, request=request
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"“{course}” added to the {academic_year_label(year)} programme.")
            return redirect("training:course", la_code, course.pk)
    return render(
        request, "training/course_form.html", {"form": form, "course": None, "year_label": academic_year_label(year)}
    )


def course_detail(request, la_code, course_id):
    course = selectors.get_course_for_user(request, course_id)
    sessions = list(
        selectors.sessions_with_counts(course.sessions.all(), _own_school_ids(request)).order_by("date", "starts_at")
    )
    for session in sessions:
        session.flags = selectors.session_flags(session)
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "sessions": sessions,
            "can_manage": request.user.has_perm("training.manage_programme", request.la),
            "bookable_schools": booking_school_ids(request.access),
        },
    )


def course_edit(request, la_code, course_id):
    course = selectors.get_course_for_edit(request, course_id)
    form = CourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_save(
                actor=request.user,
                la=course.la,
                academic_year=course.academic_year,
                values=form.cleaned_data,
                course=course,
                request=request,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "The course is saved.")
            return redirect("training:course", la_code, course.pk)
    return render(
        request,
        "training/course_form.html",
        {"form": form, "course": course, "year_label": academic_year_label(course.academic_year)},
    )


@require_POST
def course_retire(request, la_code, course_id):
    course = selectors.get_course_for_edit(request, course_id)
    try:
        services.course_retire(actor=request.user, course=course, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"“{course}” is retired: schools can no longer book it.")
    return redirect("training:course", la_code, course.pk)


def session_new(request, la_code, course_id):
    course = selectors.get_course_for_edit(request, course_id)
    form = SessionForm(request.POST or None, initial={"starts_at": "09:30", "ends_at": "15:30"})
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_save(
                actor=request.user, course=course, values=form.cleaned_data, request=request
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Session on {session.date:%-d %B %Y} added.")
            return redirect("training:session", la_code, session.pk)
    return render(request, "training/session_form.html", {"form": form, "course": course, "session": None})


def session_detail(request, la_code, session_id):
    session = selectors.get_session_for_user(request, session_id)
    is_manager = request.user.has_perm("training.manage_programme", request.la)
    own = None if is_manager else _own_school_ids(request)
    places = list(selectors.places_for_session(session, own))
    if is_manager:
        selectors.offers_no_one_can_answer(places)
    head_schools = booking_school_ids(request.access)
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "flags": selectors.session_flags(session),
            "places": places,
            "waiting": list(selectors.waiting_list(session)) if is_manager else [],
            "is_manager": is_manager,
            "can_book": bool(head_schools) and session.booking_open(),
            "head_schools": head_schools,
        },
    )


def session_edit(request, la_code, session_id):
    session = selectors.get_session_for_edit(request, session_id)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_save(
                actor=request.user, course=session.course, values=form.cleaned_data, session=session, request=request
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "The session is saved.")
            return redirect("training:session", la_code, session.pk)
    return render(request, "training/session_form.html", {"form": form, "course": session.course, "session": session})


@require_POST
def session_cancel(request, la_code, session_id):
    session = selectors.get_session_for_edit(request, session_id)
    try:
        services.session_cancel(actor=request.user, session=session, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The session is cancelled; the schools with places are told by email.")
    return redirect("training:session", la_code, session.pk)


def session_book(request, la_code, session_id):
    """A headteacher (or the school's training contact) books named staff and answers the six questions."""
    session, school = selectors.get_session_for_booking(request, session_id)
    booking = selectors.school_booking(school, session.course)
    initial = {}
    if booking is not None:
        initial = {name: getattr(booking, name) for name, _ in SENIOR_LEADER_QUESTIONS} | {
            "priority": booking.priority_id,
            "plan_action": booking.plan_action_id,
        }
    data = request.POST if request.method == "POST" else None
    staff = StaffFormSet(data, prefix="staff")
    answers = AnswersForm(data, school=school, academic_year=session.course.academic_year, initial=initial)
    errors = []
    if request.method == "POST":
        valid = all([staff.is_valid(), answers.is_valid()])
        if valid:
            members = [
                services.StaffMember(name=f.cleaned_data["name"], email=f.cleaned_data.get("email", ""))
                for f in staff
                if not f.is_empty()
            ]
            try:
                places = services.places_book(
                    actor=request.user,
                    school=school,
                    session=session,
                    staff=members,
                    answers={name: answers.cleaned_data[name] for name, _ in SENIOR_LEADER_QUESTIONS},
                    priority=answers.cleaned_data["priority"],
                    plan_action=answers.cleaned_data["plan_action"],
                    request=request,
                )
            except DomainError as error:
                answers.add_error(None, error.message)
            else:
                messages.success(request, _booked_message(places))
                return redirect("training:school", la_code, school.urn)
        errors = error_summary_items([answers, *staff])
        if staff.non_form_errors():
            errors += [("", e) for e in staff.non_form_errors()]
    return render(
        request,
        "training/book.html",
        {"session": session, "school": school, "staff": staff, "answers": answers, "errors": errors},
    )


def _booked_message(places: list[Place]) -> str:
    parts = []
    for state in (Place.State.CONFIRMED, Place.State.PENDING, Place.State.WAITING):
        names = [p.staff_name for p in places if p.state == state]
        if names:
            parts.append(f"{state.label}: {', '.join(names)}.")
    return " ".join(parts)


def register(request, la_code, session_id):
    """The LA takes attendance: attended, absent or cancelled late, for every booked person."""
    session = selectors.get_session_for_edit(request, session_id)
    places, document = selectors.current_register(session)
    errors = []
    if request.method == "POST":
        marks, errors = attendance_marks(request.POST, places)
        if not errors:
            try:
                changed = services.attendance_record(actor=request.user, session=session, marks=marks, request=request)
            except DomainError as error:
                errors = [error.message]
            else:
                messages.success(request, f"Register saved ({changed} changed).")
                return redirect("training:register", la_code, session.pk)
    return render(
        request,
        "training/register.html",
        {
            "session": session,
            "places": places,
            "errors": errors,
            "marks": Place.Attendance.choices,
            "can_take": session.has_taken_place,
            "document": document,
        },
    )


def register_csv(request, la_code, session_id):
    """The register as CSV; what schools typed never runs as a formula in a spreadsheet."""
    session = selectors.get_session_for_register(request, session_id)
    services.register_csv_download(actor=request.user, session=session, request=request)
    course, day = str(session.course), f"{session.date:%Y-%m-%d}"

    def rows():
        # The byte-order mark lets spreadsheet programs read the names as UTF-8.
        yield ["\ufeffCourse", "Date", "Venue", "School", "URN", "Name", "Email", "Attendance"]
        for place in selectors.register_places(session).iterator(chunk_size=500):
            values = [course, day, session.venue, place.booking.school.name, place.booking.school.urn]
            values += [place.staff_name, place.staff_email, place.get_attendance_display()]
            yield [spreadsheet_safe(value) for value in values]

    return csv_download(request.la, f"register-{day}-{session.pk}.csv", rows())


@require_POST
def register_pdf_request(request, la_code, session_id):
    """Ask the workers for the register, as it stands now, as a PDF to print."""
    session = selectors.get_session_for_register(request, session_id)
    document = services.register_pdf_request(actor=request.user, session=session, request=request)
    if document.is_ready:
        messages.success(request, "The PDF of this register is ready.")
    else:
        messages.success(request, "The PDF of the register is being made. This page shows when it is ready.")
    return redirect("training:register", la_code, session.pk)


def register_pdf(request, la_code, session_id):
    """Download the PDF of the register as it stands, once made."""
    session = selectors.get_session_for_register(request, session_id)
    _, document = selectors.current_register(session)
    if document is None or not document.is_ready:
        messages.info(request, "The PDF of this register is not ready yet.")
        return redirect("training:register", la_code, session.pk)
    services.document_download(actor=request.user, document=document, request=request)
    return stored_file_response(document.file.name, document_filename(document), "application/pdf")


def certificate(request, la_code, place_id):
    """Download a certificate of attendance: the school's head or training contact, or the LA."""
    place, document = selectors.get_certificate_place_for_user(request, place_id)
    if document is None or not document.is_ready:
        messages.info(request, f"The certificate for {place.staff_name} is not ready yet.")
        return redirect("training:school", la_code, place.booking.school.urn)
    services.document_download(actor=request.user, document=document, request=request)
    return stored_file_response(document.file.name, document_filename(document), "application/pdf")


@require_POST
def certificate_request(request, la_code, place_id):
    """Ask again for a certificate whose making failed (or was never asked for)."""
    place, _ = selectors.get_certificate_place_for_user(request, place_id)
    try:
        services.certificate_request(actor=request.user, place=place, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The certificate for {place.staff_name} is being made.")
    return redirect("training:school", la_code, place.booking.school.urn)


def _place_action(request, la_code, place_id, action, done: str):
    place = selectors.get_place_for_edit(request, place_id)
    try:
        action(actor=request.user, place=place, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done.format(name=place.staff_name))
    return redirect("training:school", la_code, place.booking.school.urn)


@require_POST
def place_cancel(request, la_code, place_id):
    return _place_action(request, la_code, place_id, services.place_cancel, "{name}'s place is cancelled.")


@require_POST
def offer_accept(request, la_code, place_id):
    return _place_action(request, la_code, place_id, services.offer_accept, "{name} has the place.")


@require_POST
def offer_decline(request, la_code, place_id):
    return _place_action(
        request, la_code, place_id, services.offer_decline, "Offer declined; the place goes to the next school."
    )


@require_POST
def place_decide(request, la_code, place_id):
    place = selectors.get_place_for_decision(request, place_id)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        messages.error(request, "Choose to approve or refuse the place.")
        return redirect("training:session", la_code, place.session_id)
    approve = decision == "approve"
    try:
        services.place_decide(actor=request.user, place=place, approve=approve, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{place.staff_name}'s place is {'approved' if approve else 'not approved'}.")
    return redirect("training:session", la_code, place.session_id)


def place_impact(request, la_code, place_id):
    """After the session the school records what changed, beside the improvements it expected."""
    place = selectors.get_place_for_edit(request, place_id)
    form = ImpactForm(request.POST or None, initial={"impact": place.impact})
    if request.method == "POST" and form.is_valid():
        try:
            services.impact_record(actor=request.user, place=place, impact=form.cleaned_data["impact"], request=request)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Saved. The school's SIP can see it.")
            return redirect("training:school", la_code, place.booking.school.urn)
    return render(request, "training/impact.html", {"place": place, "form": form})


TAKE_UP_PER_PAGE = 50


def take_up(request, la_code):
    """Take-up by school and subject, session fill and waiting lists, for the LA."""
    la = get_la_for_user(request, "training.manage_programme")
    year = year_from_request(request)
    subjects, rows = selectors.take_up(la, year)
    courses = selectors.programme(la, year)
    sessions = [s for c in courses for s in c.sessions.all()]
    # A county's 600 schools: the table shows a page of them; the count of non-bookers is of all.
    rows_page = Paginator(rows, TAKE_UP_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "training/take_up.html",
        {
            "subjects": subjects,
            "rows": rows_page.object_list,
            "rows_page": rows_page,
            "sessions": sessions,
            "year_label": academic_year_label(year),
            "years": year_links(year, selectors.programme_years(la)),
            "no_booking": [r for r in rows if len(r["gaps"]) == len(subjects)],
        },
    )


def school_training(request, la_code, urn):
    """A school's bookings and gaps: the head manages them; the SIP and the LA read them."""
    school = selectors.get_school_training_for_user(request, urn)
    year = year_from_request(request)
    return render(
        request,
        "training/school.html",
        {
            "school": school,
            "year_label": academic_year_label(year),
            "years": year_links(year, selectors.programme_years(request.la)),
            "is_current": year == current_academic_year(),
            "can_book": request.user.has_perm("training.book", school),
            "can_name_contact": request.user.has_perm("training.manage_contact", school),
            "can_certify": request.user.has_perm("training.download_certificate", school),
            "sees_school": request.user.has_perm("schools.view_school", school),
            "questions": SENIOR_LEADER_QUESTIONS,
            **selectors.school_training(school, year),
        },
    )


# The school's training contact -------------------------------------------------------------------


def contact(request, la_code, urn):
    """The head names a member of staff as the school's training contact, by invitation."""
    school = selectors.get_school_contact_for_head(request, urn)
    form = ContactInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = accounts_services.invitation_create(
                actor=request.user,
                la=request.la,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=Role.TRAINING_CONTACT,
                school=school,
                request=request,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("training:contact", la_code, school.urn)
    return render(
        request, "training/contact.html", {"school": school, "form": form, **selectors.training_contacts(school)}
    )


def contact_remove(request, la_code, urn, membership_id):
    school = selectors.get_school_contact_for_head(request, urn)
    membership = selectors.get_contact_for_head(school, membership_id)
    if request.method != "POST":
        # Checked after the school, so people who may not know of it get a 404.
        return HttpResponseNotAllowed(["POST"])
    accounts_services.membership_remove(actor=request.user, membership=membership, request=request)
    messages.success(request, f"{membership.user} is no longer the school's training contact.")
    return redirect("training:contact", la_code, school.urn)


def contact_invitation_revoke(request, la_code, urn, invitation_id):
    school = selectors.get_school_contact_for_head(request, urn)
    invitation = selectors.get_contact_invitation_for_head(school, invitation_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        accounts_services.invitation_revoke(actor=request.user, invitation=invitation, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The invitation for {invitation.email} has been withdrawn.")
    return redirect("training:contact", la_code, school.urn)
