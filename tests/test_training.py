"""Core training: the programme, bookings of named staff, the waiting list, attendance and take-up."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.models import Membership, Role
from audit.models import Action, AuditEvent
from training import services
from training.models import Booking, Course, Place, Session, TrainingDocument
from training.programme import CORE_PROGRAMME_2004_05, SENIOR_LEADER_QUESTIONS
from training.selectors import sessions_with_counts

from .factories import (
    MembershipFactory,
    PlanActionFactory,
    PriorityFactory,
    SchoolFactory,
    UserFactory,
    VisitFactory,
)
from .training_factories import BookingFactory, CourseFactory, PlaceFactory, SessionFactory

ANSWERS = {
    "who_attends": "Ms Khan (head of English) and Mr Bell (literacy coordinator).",
    "pre_course_work": "In the department meeting of 10 December; they need the pupil tracking data.",
    "follow_up": "Yes: the Year 7 scheme of work is revised in the spring term.",
    "resources_support": "Two half days of cover and time at the next INSET day.",
    "expected_improvements": "Pupils entering at level 3 make two levels of progress.",
    "monitoring": "Lesson observations each half term and the tracked pupils' assessments.",
}


def book_data(names, *, emails=(), answers=ANSWERS, **extra) -> dict:
    data = {
        "staff-TOTAL_FORMS": "4",
        "staff-INITIAL_FORMS": "0",
        "staff-MIN_NUM_FORMS": "0",
        "staff-MAX_NUM_FORMS": "1000",
        **answers,
        **extra,
    }
    for number, name in enumerate(names):
        data[f"staff-{number}-name"] = name
        if number < len(emails):
            data[f"staff-{number}-email"] = emails[number]
    return data


def second_head(la_world):
    """A headteacher for the LA's other school (the world's first school has one already)."""
    with scopes_disabled():
        head = UserFactory(email=f"head2.{la_world.la.code}@example.org", full_name="Second Head")
        MembershipFactory(user=head, role=Role.HEADTEACHER, la=la_world.la, school=la_world.other_school)
    return head


@pytest.fixture
def session(world):
    with scopes_disabled():
        return SessionFactory(course__la=world.a.la, capacity=3)


def url(name, la_world, *args):
    return reverse(f"training:{name}", args=[la_world.la.code, *args])


def places_of(session_obj):
    with scopes_disabled():
        return {p.staff_name: p.state for p in Place.objects.filter(session=session_obj)}


# The programme ---------------------------------------------------------------------------------


def test_the_2004_05_programme_has_its_17_courses_with_subjects_parts_and_lengths():
    assert len(CORE_PROGRAMME_2004_05) == 17
    subjects = [subject for subject, *_ in CORE_PROGRAMME_2004_05]
    assert {s: subjects.count(s) for s in dict.fromkeys(subjects)} == {
        "english": 4,
        "mathematics": 4,
        "science": 3,
        "ict": 3,
        "behaviour-attendance": 2,
        "afl": 1,
    }
    halves = [(title, part) for _, title, part, length in CORE_PROGRAMME_2004_05 if length == Decimal("0.5")]
    assert halves == [
        ("How to get more pupils from level 3 to level 5 in English", 1),
        ("How to get more pupils from level 3 to level 5 in English", 2),
        ("How to get more pupils from level 3 to level 5 in mathematics", 1),
        ("How to get more pupils from level 3 to level 5 in mathematics", 2),
        ("How to get more pupils to level 5 in science", 1),
        ("How to get more pupils to level 5 in science", 2),
        ("Preparing Year 9 pupils for ICT assessment, including tests", 1),
        ("Preparing Year 9 pupils for ICT assessment, including tests", 2),
    ]
    assert CORE_PROGRAMME_2004_05[0] == ("english", "Improving writing", 3, Decimal("1.0"))
    assert CORE_PROGRAMME_2004_05[-1] == (
        "afl",
        "Whole-school development of Assessment for learning",
        None,
        Decimal("1.0"),
    )


def test_the_six_questions_are_the_guidances_words():
    assert [q for _, q in SENIOR_LEADER_QUESTIONS] == [
        "Who will attend each core training session?",
        "When will they undertake the pre-course work and what is needed?",
        "Is the follow-up work appropriately incorporated into Key Stage 3 planning?",
        "What resources and support will you, as senior leaders, need to provide?",
        "What improvements in teaching and learning will you expect?",
        "How will progress be monitored and improvements evaluated?",
    ]


def test_an_la_copies_the_programme_into_its_year_once_and_lists_it_by_subject(client, world):
    client.force_login(world.a.la_admin)
    page = client.get(url("programme", world.a)).content.decode()
    assert "Add the 2004–05 programme" in page
    client.post(url("programme-copy", world.a))
    client.post(url("programme-copy", world.a))  # a second copy adds nothing
    with scope(la=world.a.la.pk):
        courses = list(Course.objects.filter(academic_year=2026))
        assert len(courses) == 17
        assert str(courses[0]) == "Improving writing, Part 3"
        assert sum(c.length_days == Decimal("0.5") for c in courses) == 8
    with scope(la=world.b.la.pk):
        assert not Course.objects.exists()
    page = client.get(url("programme", world.a)).content.decode()
    assert "Behaviour and attendance" in page and "Assessment for learning" in page
    assert "Add the 2004–05 programme" not in page
    assert AuditEvent.objects.with_scope(la=world.a.la.pk).filter(action=Action.TRAINING_PROGRAMME_CHANGED).exists()


def test_the_la_adds_edits_and_retires_a_course_and_schools_no_longer_see_it(client, world):
    client.force_login(world.a.la_admin)
    response = client.post(
        url("course-new", world.a),
        {"subject": "science", "title": "Practical enquiry in Year 8", "part": "", "length_days": "0.5"},
    )
    with scope(la=world.a.la.pk):
        course = Course.objects.get(title="Practical enquiry in Year 8")
    assert response.status_code == 302
    client.post(
        url("course-edit", world.a, course.pk),
        {"subject": "science", "title": "Practical enquiry in Year 8", "part": "1", "length_days": "1.0"},
    )
    client.post(url("course-retire", world.a, course.pk), follow=True)
    course.refresh_from_db()
    assert (course.part, course.length_days, course.is_retired) == (1, Decimal("1.0"), True)
    client.force_login(world.a.head)
    assert "Practical enquiry" not in client.get(url("programme", world.a)).content.decode()


def test_a_session_with_a_deadline_after_its_date_is_refused_with_a_message(client, world):
    with scopes_disabled():
        course = CourseFactory(la=world.a.la)
    client.force_login(world.a.la_admin)
    response = client.post(
        url("session-new", world.a, course.pk),
        {
            "date": "2027-01-20",
            "starts_at": "09:30",
            "ends_at": "15:30",
            "venue": "Norwich Professional Development Centre",
            "capacity": "20",
            "minimum_places": "25",
            "booking_deadline": "2027-01-25",
            "target_group": "Teachers of pupils entering at level 3",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    with scope(la=world.a.la.pk):
        assert not Session.objects.exists()


def test_a_session_below_its_minimum_near_its_deadline_is_flagged_to_the_la(client, world):
    with scopes_disabled():
        soon = SessionFactory(
            course__la=world.a.la,
            minimum_places=5,
            date=timezone.localdate() + datetime.timedelta(days=10),
            booking_deadline=timezone.localdate() + datetime.timedelta(days=3),
        )
        PlaceFactory(session=soon, booking__school=world.a.school, booking__course=soon.course)
    client.force_login(world.a.la_admin)
    page = client.get(url("programme", world.a)).content.decode()
    assert "Below its minimum of 5 with the deadline near" in page


# Booking --------------------------------------------------------------------------------------


def test_a_head_books_two_named_staff_answers_the_six_questions_and_gets_a_calendar_invitation(
    client, world, session, django_capture_on_commit_callbacks
):
    client.force_login(world.a.head)
    page = client.get(url("book", world.a, session.pk)).content.decode()
    for _, question in SENIOR_LEADER_QUESTIONS:
        assert question in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("book", world.a, session.pk),
            book_data(["Ms Aisha Khan", "Mr Owen Bell"], emails=["a.khan@school.example.org"]),
        )
    assert response.status_code == 302 and response["Location"] == url("school", world.a, world.a.school.urn)
    assert places_of(session) == {"Ms Aisha Khan": "confirmed", "Mr Owen Bell": "confirmed"}
    with scope(la=world.a.la.pk):
        booking = Booking.objects.get(school=world.a.school)
        assert booking.monitoring == ANSWERS["monitoring"]
    [email] = mail.outbox
    assert sorted(email.to) == sorted(["a.khan@school.example.org", world.a.head.email])
    assert "Ms Aisha Khan: booked" in email.body
    [(filename, ics, mimetype)] = email.attachments
    assert (filename, mimetype) == ("core-training.ics", "text/calendar")
    assert "BEGIN:VEVENT" in ics and "DTSTART:" in ics and "\r\n" in ics
    # 09:30 London in January is 09:30 UTC.
    assert f"DTSTART:{session.date:%Y%m%d}T093000Z" in ics
    page = client.get(url("school", world.a, world.a.school.urn)).content.decode()
    assert "Ms Aisha Khan" in page and ANSWERS["expected_improvements"] in page


def test_booking_needs_a_name_and_every_question_answered(client, world, session):
    client.force_login(world.a.head)
    response = client.post(url("book", world.a, session.pk), book_data([], answers={}))
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert places_of(session) == {}
    response = client.post(url("book", world.a, session.pk), book_data(["Ms Khan", "ms khan"]))
    assert "a name is given twice" in response.content.decode()


def test_places_beyond_the_capacity_join_the_waiting_list_in_order(client, world, session):
    head2 = second_head(world.a)
    client.force_login(world.a.head)
    client.post(url("book", world.a, session.pk), book_data(["A One", "A Two"]), follow=True)
    client.force_login(head2)
    response = client.post(url("book", world.a, session.pk), book_data(["B One", "B Two"]), follow=True)
    assert "Booked: B One. On the waiting list: B Two." in response.content.decode()
    assert places_of(session) == {"A One": "confirmed", "A Two": "confirmed", "B One": "confirmed", "B Two": "waiting"}
    page = client.get(url("session", world.a, session.pk)).content.decode()
    assert "Full" in page and "Join the waiting list" in page
    assert "A One" not in page, "a school sees only its own places"


def test_a_cancelled_place_is_offered_to_the_first_waiting_and_the_offer_can_be_declined_in_one_click(
    client, world, session, django_capture_on_commit_callbacks
):
    head2 = second_head(world.a)
    with scopes_disabled():
        session.capacity = 1
        session.save()
    client.force_login(world.a.head)
    client.post(url("book", world.a, session.pk), book_data(["A One"]))
    client.force_login(head2)
    client.post(url("book", world.a, session.pk), book_data(["B One", "B Two"]))
    assert places_of(session) == {"A One": "confirmed", "B One": "waiting", "B Two": "waiting"}
    with scopes_disabled():
        a_one = Place.objects.get(staff_name="A One")
        b_one = Place.objects.get(staff_name="B One")
    client.force_login(world.a.head)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("place-cancel", world.a, a_one.pk))
    assert places_of(session)["B One"] == "offered"
    b_one.refresh_from_db()
    assert abs(b_one.offer_expires_at - timezone.now() - datetime.timedelta(hours=48)) < datetime.timedelta(minutes=1)
    [offer] = mail.outbox
    assert offer.to == [head2.email] and "held until" in offer.body
    client.force_login(head2)
    page = client.get(url("school", world.a, world.a.other_school.urn)).content.decode()
    assert "Take the place" in page and "Decline" in page
    client.post(url("offer-decline", world.a, b_one.pk))
    assert places_of(session) == {"A One": "cancelled", "B One": "declined", "B Two": "offered"}


def test_an_offer_taken_up_is_booked(client, world, session):
    with scopes_disabled():
        place = PlaceFactory(
            session=session,
            booking__school=world.a.school,
            booking__course=session.course,
            state=Place.State.OFFERED,
            offer_expires_at=timezone.now() + datetime.timedelta(hours=3),
        )
    client.force_login(world.a.head)
    client.post(url("offer-accept", world.a, place.pk))
    place.refresh_from_db()
    assert place.state == Place.State.CONFIRMED and place.offer_expires_at is None


def test_an_offer_not_taken_up_in_time_passes_to_the_next_school(world, session, settings, time_machine):
    settings.TRAINING_OFFER_HOURS = 48
    with scopes_disabled():
        session.capacity = 1
        session.save()
        first = PlaceFactory(session=session, booking__school=world.a.school, booking__course=session.course)
        waiting = [
            PlaceFactory(
                session=session,
                booking__school=world.a.other_school,
                booking__course=session.course,
                staff_name=name,
                state=Place.State.WAITING,
                waiting_since=timezone.now() + datetime.timedelta(seconds=n),
            )
            for n, name in enumerate(["Next", "After"])
        ]
    with scope(la=world.a.la.pk):
        services.place_cancel(actor=world.a.head, place=first)
    assert places_of(session)["Next"] == "offered"
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=47))
    assert services.offers_expire() == 0
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=2))
    assert services.offers_expire() == 1
    assert places_of(session) == {first.staff_name: "cancelled", "Next": "lapsed", "After": "offered"}
    waiting[1].refresh_from_db()
    assert waiting[1].offer_expires_at > timezone.now() + datetime.timedelta(hours=47)


def test_the_offer_hold_is_configurable(world, session, settings):
    settings.TRAINING_OFFER_HOURS = 6
    with scopes_disabled():
        session.capacity = 1
        session.save()
        first = PlaceFactory(session=session, booking__school=world.a.school, booking__course=session.course)
        nxt = PlaceFactory(
            session=session,
            booking__school=world.a.other_school,
            booking__course=session.course,
            state=Place.State.WAITING,
            waiting_since=timezone.now(),
        )
    with scope(la=world.a.la.pk):
        services.place_cancel(actor=world.a.head, place=first)
    nxt.refresh_from_db()
    assert abs(nxt.offer_expires_at - timezone.now() - datetime.timedelta(hours=6)) < datetime.timedelta(minutes=1)


def test_cancelling_after_the_deadline_is_refused_and_bookings_close_at_the_deadline(client, world):
    with scopes_disabled():
        late = SessionFactory(
            course__la=world.a.la,
            date=timezone.localdate() + datetime.timedelta(days=3),
            booking_deadline=timezone.localdate() - datetime.timedelta(days=1),
        )
        place = PlaceFactory(session=late, booking__school=world.a.school, booking__course=late.course)
    client.force_login(world.a.head)
    response = client.post(url("place-cancel", world.a, place.pk), follow=True)
    assert "Cancellations closed on" in response.content.decode()
    place.refresh_from_db()
    assert place.state == Place.State.CONFIRMED
    response = client.post(url("book", world.a, late.pk), book_data(["Too Late"]))
    assert "Bookings for this session closed" in response.content.decode()


def test_a_course_that_needs_approval_holds_places_until_the_la_decides(
    client, world, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        session = SessionFactory(course__la=world.a.la, course__requires_approval=True, capacity=1)
        head2 = second_head(world.a)
    client.force_login(world.a.head)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("book", world.a, session.pk), book_data(["Needs Approval"]))
    assert places_of(session) == {"Needs Approval": "pending"}
    assert not mail.outbox[0].attachments, "no calendar invitation before the LA approves"
    client.force_login(head2)
    client.post(url("book", world.a, session.pk), book_data(["Waits"]))
    with scopes_disabled():
        pending = Place.objects.get(staff_name="Needs Approval")
    client.force_login(world.a.head)
    assert client.post(url("place-decide", world.a, pending.pk), {"decision": "approve"}).status_code == 403
    client.force_login(world.a.la_admin)
    client.post(url("place-decide", world.a, pending.pk), {"decision": "reject"})
    assert places_of(session) == {"Needs Approval": "rejected", "Waits": "offered"}


def test_the_la_cancels_a_session_and_each_school_is_told(client, world, session, django_capture_on_commit_callbacks):
    with scopes_disabled():
        PlaceFactory(
            session=session, booking__school=world.a.school, booking__course=session.course, staff_email="t@x.org"
        )
    client.force_login(world.a.la_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("session-cancel", world.a, session.pk))
    assert set(places_of(session).values()) == {"withdrawn"}
    [email] = mail.outbox
    assert "cancelled" in email.subject and sorted(email.to) == sorted(["t@x.org", world.a.head.email])


def test_a_head_cannot_touch_another_schools_place_and_the_sip_cannot_book(client, world, session):
    with scopes_disabled():
        other = PlaceFactory(session=session, booking__school=world.a.other_school, booking__course=session.course)
    client.force_login(world.a.head)
    assert client.post(url("place-cancel", world.a, other.pk)).status_code == 404
    assert places_of(session)[other.staff_name] == "confirmed"
    client.force_login(world.a.sip)
    assert client.post(url("book", world.a, session.pk), book_data(["Someone"])).status_code == 403


def test_governors_see_nothing_of_training(client, world, session):
    client.force_login(world.a.governor)
    assert client.get(url("programme", world.a)).status_code == 403
    assert client.get(url("school", world.a, world.a.school.urn)).status_code == 403
    page = client.get(reverse("overview:home", args=[world.a.la.code])).content.decode()
    assert "Core training" not in page
    page = client.get(reverse("schools:detail", args=[world.a.la.code, world.a.school.urn])).content.decode()
    assert "Core training this year" not in page


def test_another_las_session_answers_404(client, world):
    with scopes_disabled():
        theirs = SessionFactory(course__la=world.b.la)
    client.force_login(world.a.head)
    assert client.get(url("session", world.a, theirs.pk)).status_code == 404
    assert client.get(reverse("training:session", args=[world.b.la.code, theirs.pk])).status_code == 404


# On the day and after ---------------------------------------------------------------------------


@pytest.fixture
def past_session(world):
    with scopes_disabled():
        past = SessionFactory(
            course__la=world.a.la,
            date=timezone.localdate() - datetime.timedelta(days=2),
            booking_deadline=timezone.localdate() - datetime.timedelta(days=9),
        )
        places = [
            PlaceFactory(session=past, booking__school=world.a.school, booking__course=past.course, staff_name=name)
            for name in ("=HYPERLINK(1)", "Came")
        ]
    return past, places


def test_the_la_takes_the_register_and_downloads_it(client, world, past_session):
    past, (formula, came) = past_session
    client.force_login(world.a.la_admin)
    client.post(
        url("register", world.a, past.pk), {f"mark-{formula.pk}": "cancelled-late", f"mark-{came.pk}": "attended"}
    )
    formula.refresh_from_db()
    came.refresh_from_db()
    assert (formula.attendance, came.attendance) == ("cancelled-late", "attended")
    response = client.get(url("register-csv", world.a, past.pk))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Came" in text and "Attended" in text and "Cancelled late" in text
    assert "'=HYPERLINK(1)" in text, "a typed formula is written as text"
    response = client.post(url("register", world.a, past.pk), {f"mark-{came.pk}": "asleep"})
    assert response.status_code == 200 and "Choose attended" in response.content.decode()


def test_the_register_of_a_future_session_cannot_be_taken(client, world, session):
    with scopes_disabled():
        place = PlaceFactory(session=session, booking__school=world.a.school, booking__course=session.course)
    client.force_login(world.a.la_admin)
    response = client.post(url("register", world.a, session.pk), {f"mark-{place.pk}": "attended"})
    assert "on the day of the session or after it" in response.content.decode()


def test_the_school_records_what_changed_and_the_sip_sees_it_with_the_priority_it_serves(client, world, past_session):
    past, (_, came) = past_session
    with scopes_disabled():
        priority = PriorityFactory(school=world.a.school, title="Raise attainment in English at KS3")
        Booking.objects.filter(pk=came.booking_id).update(priority=priority)
    client.force_login(world.a.head)
    client.post(url("place-impact", world.a, came.pk), {"impact": "Guided writing in every Year 7 class."})
    client.force_login(world.a.sip)
    page = client.get(reverse("schools:detail", args=[world.a.la.code, world.a.school.urn])).content.decode()
    assert "Core training this year" in page
    assert "Raise attainment in English at KS3" in page
    assert "Guided writing in every Year 7 class." in page
    # And at the next visit, beside the record the SIP writes.
    with scopes_disabled():
        visit = VisitFactory(assignment=world.a.assignment)
    page = client.get(reverse("visits:record", args=[world.a.la.code, world.a.school.urn, visit.pk])).content.decode()
    assert "The school&#x27;s core training this year" in page or "The school's core training this year" in page
    assert "Raise attainment in English at KS3" in page and "Guided writing in every Year 7 class." in page


def test_a_booking_links_only_to_the_schools_own_priority_or_action(client, world, session):
    with scopes_disabled():
        theirs = PriorityFactory(school=world.a.other_school)
        action = PlanActionFactory(priority__school=world.a.school)
    client.force_login(world.a.head)
    response = client.post(url("book", world.a, session.pk), book_data(["Ms Khan"], priority=str(theirs.pk)))
    assert response.status_code == 200 and places_of(session) == {}
    client.post(url("book", world.a, session.pk), book_data(["Ms Khan"], plan_action=str(action.pk)))
    with scopes_disabled():
        assert Booking.objects.get(school=world.a.school).plan_action == action


def test_take_up_shows_schools_that_booked_nothing_and_a_heads_gaps(client, world, session):
    with scopes_disabled():
        PlaceFactory(session=session, booking__school=world.a.school, booking__course=session.course)
    client.force_login(world.a.la_admin)
    page = client.get(url("take-up", world.a)).content.decode()
    assert "1 school has booked nothing this year." in page
    client.force_login(world.a.head)
    page = client.get(url("school", world.a, world.a.school.urn)).content.decode()
    gaps = page.split("Subjects with nothing booked")[1].split("Bookings")[0]
    assert "English" not in gaps and "Mathematics" in gaps and "Assessment for learning" in gaps


# Emails on a schedule ---------------------------------------------------------------------------


def test_reminders_go_once_to_each_school_with_places_a_few_days_before(
    world, session, django_capture_on_commit_callbacks
):
    from training.tasks import send_reminders

    with scopes_disabled():
        soon = SessionFactory(
            course__la=world.a.la,
            date=timezone.localdate() + datetime.timedelta(days=2),
            booking_deadline=timezone.localdate(),
        )
        PlaceFactory(session=soon, booking__school=world.a.school, booking__course=soon.course)
        PlaceFactory(session=session, booking__school=world.a.school, booking__course=session.course)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders() == 1
        assert send_reminders() == 0
    [email] = mail.outbox
    assert email.subject.startswith("Reminder:") and email.to == [world.a.head.email]


# Race and scale ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_schools_booking_the_last_place_at_once_do_not_overbook(world):
    """Two threads, each its own PostgreSQL connection, book the last seat at the same moment."""
    import threading

    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises whole writes")
    with scopes_disabled():
        session = SessionFactory(course__la=world.a.la, capacity=1)
    head2 = second_head(world.a)
    barrier = threading.Barrier(2)
    results = {}

    def book(school, head, name):
        from django.db import connections

        try:
            with scope(la=world.a.la.pk):
                barrier.wait()
                [place] = services.places_book(
                    actor=head,
                    school=school,
                    session=session,
                    staff=[services.StaffMember(name=name)],
                    answers=ANSWERS,
                )
                results[name] = place.state
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=book, args=(world.a.school, world.a.head, "From A")),
        threading.Thread(target=book, args=(world.a.other_school, head2, "From B")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results.values()) == ["confirmed", "waiting"]
    with scopes_disabled():
        assert Place.objects.filter(session=session).holding().count() == 1


def _add_bookings(la_world, session, count: int) -> None:
    with scopes_disabled():
        schools = [SchoolFactory(la=la_world.la) for _ in range(max(1, count // 50))]
        bookings = [BookingFactory(school=s, course=session.course) for s in schools]
        Place.objects.bulk_create(
            [
                Place(
                    booking=bookings[n % len(bookings)],
                    session=session,
                    staff_name=f"Teacher {n}",
                    state=Place.State.CONFIRMED if n < session.capacity else Place.State.WAITING,
                    waiting_since=None if n < session.capacity else timezone.now(),
                )
                for n in range(count)
            ]
        )


@pytest.mark.one_year
def test_programme_session_and_register_pages_cost_the_same_with_10_or_2000_bookings(client, world):
    with scopes_disabled():
        past = SessionFactory(
            course__la=world.a.la,
            capacity=3000,
            date=timezone.localdate() - datetime.timedelta(days=1),
            booking_deadline=timezone.localdate() - datetime.timedelta(days=5),
        )
    client.force_login(world.a.la_admin)
    pages = [
        url("programme", world.a),
        url("session", world.a, past.pk),
        url("register", world.a, past.pk),
        url("take-up", world.a),
        url("course", world.a, past.course_id),
    ]

    def measure():
        counts = []
        for page in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(page).status_code == 200
            counts.append(len(queries))
        return counts

    _add_bookings(world.a, past, 10)
    small = measure()
    _add_bookings(world.a, past, 1990)
    large = measure()
    assert small == large, f"queries with 10 bookings {small}, with 2,000 {large}"
    with scopes_disabled():
        assert Place.objects.filter(session=past).count() == 2000


def test_the_overview_lists_offers_for_the_head_and_approvals_and_thin_sessions_for_the_la(client, world):
    with scopes_disabled():
        thin = SessionFactory(
            course__la=world.a.la,
            course__title="Interacting with mathematics at Key Stage 3",
            minimum_places=6,
            date=timezone.localdate() + datetime.timedelta(days=9),
            booking_deadline=timezone.localdate() + datetime.timedelta(days=2),
        )
        PlaceFactory(session=thin, booking__school=world.a.school, booking__course=thin.course)
        approval = SessionFactory(course__la=world.a.la, course__requires_approval=True)
        PlaceFactory(
            session=approval,
            booking__school=world.a.other_school,
            booking__course=approval.course,
            state=Place.State.PENDING,
        )
        PlaceFactory(
            session=approval,
            booking__school=world.a.school,
            booking__course=approval.course,
            staff_name="Ms Offered",
            state=Place.State.OFFERED,
            offer_expires_at=timezone.now() + datetime.timedelta(hours=20),
        )
    home = reverse("overview:home", args=[world.a.la.code])
    client.force_login(world.a.la_admin)
    page = client.get(home).content.decode()
    assert "1 core-training place waiting for your approval" in page
    assert "Interacting with mathematics at Key Stage 3 on" in page and "has 1 of its minimum 6 places" in page
    client.force_login(world.a.head)
    page = client.get(home).content.decode()
    assert "is offered to Ms Offered" in page


def test_the_demo_has_the_programme_a_full_session_with_a_waiting_list_and_a_register_taken(db):
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with scopes_disabled():
        for code in ("302", "352", "926"):
            courses = Course.objects.filter(la__code=code)
            assert courses.count() == 17
            sessions = sessions_with_counts(Session.objects.filter(course__la__code=code))
            assert any(s.held >= s.capacity and s.waiting for s in sessions)
            booked = Booking.objects.filter(school__la__code=code).exclude(monitoring="")
            assert booked.exists()
            assert Place.objects.filter(session__course__la__code=code, attendance="attended").exists()
            contact = Membership.objects.get(user__email=f"training.{code}@demo.test")
            assert contact.role == Role.TRAINING_CONTACT
            school_places = Place.objects.filter(booking__school=contact.school)
            assert school_places.filter(state=Place.State.OFFERED).exists(), "an offer to take or decline"
            assert school_places.filter(attendance="attended", impact="").exists(), "what changed, to record"
            assert TrainingDocument.objects.filter(
                place__booking__school=contact.school, kind="certificate", state="done"
            ).exists()
            assert TrainingDocument.objects.filter(session__course__la__code=code, kind="register", state="done")


def test_a_retired_courses_sessions_cannot_be_booked(client, world, session):
    with scopes_disabled():
        session.course.retired_at = timezone.now()
        session.course.save()
    client.force_login(world.a.head)
    page = client.get(url("session", world.a, session.pk)).content.decode()
    assert "Book places" not in page
    response = client.post(url("book", world.a, session.pk), book_data(["Ms Khan"]))
    assert "no longer offered" in response.content.decode() and places_of(session) == {}


def test_a_session_cannot_shrink_below_its_taken_places_and_growing_it_offers_the_waiting(client, world, session):
    with scopes_disabled():
        session.capacity = 1
        session.save()
        PlaceFactory(session=session, booking__school=world.a.school, booking__course=session.course)
        PlaceFactory(
            session=session,
            booking__school=world.a.other_school,
            booking__course=session.course,
            staff_name="Waiting Teacher",
            state=Place.State.WAITING,
            waiting_since=timezone.now(),
        )
    client.force_login(world.a.la_admin)
    values = {
        "date": session.date.isoformat(),
        "starts_at": "09:30",
        "ends_at": "15:30",
        "venue": session.venue,
        "minimum_places": "0",
        "booking_deadline": session.booking_deadline.isoformat(),
        "target_group": "",
    }
    with scopes_disabled():
        PlaceFactory(session=session, booking__school=world.a.school, booking__course=session.course)  # 2 taken
    response = client.post(url("session-edit", world.a, session.pk), {**values, "capacity": "1"})
    assert "2 places are already taken" in response.content.decode()
    client.post(url("session-edit", world.a, session.pk), {**values, "capacity": "3"})
    assert places_of(session)["Waiting Teacher"] == "offered"


def test_a_second_booking_of_the_same_course_keeps_one_set_of_answers_and_shows_them(client, world):
    with scopes_disabled():
        first = SessionFactory(course__la=world.a.la)
        second = SessionFactory(course=first.course, date=first.date + datetime.timedelta(days=7))
    client.force_login(world.a.head)
    client.post(url("book", world.a, first.pk), book_data(["Ms Khan"]))
    page = client.get(url("book", world.a, second.pk)).content.decode()
    assert ANSWERS["monitoring"].replace("'", "&#x27;") in page
    client.post(url("book", world.a, second.pk), book_data(["Mr Bell"], answers={**ANSWERS, "monitoring": "Termly."}))
    with scopes_disabled():
        [booking] = Booking.objects.filter(school=world.a.school)
        assert booking.monitoring == "Termly." and booking.places.count() == 2
    page = client.get(url("programme", world.a)).content.decode()
    assert "your bookings and the subjects not yet booked" in page
