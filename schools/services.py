"""Changes to schools, their results and their eligibility. Each writes its audit record."""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from audit.models import Action
from audit.services import audit_record, field_changes, snapshot
from caseload.models import SipAssignment
from common.conflicts import check_version
from common.errors import DomainError
from jobs.runner import job_enqueue
from tenancy.academic_year import current_academic_year

from .gias import GiasImporter
from .imports import import_run
from .links import LinksImporter
from .models import DataImport, EligibilityAssessment, EligibilityCriterion, PerformanceResult, School, SchoolLink
from .results_csv import ResultsImporter
from .signals import school_converted

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class SchoolsError(DomainError):
    pass


def data_import_request(*, actor, la, kind: str, upload: UploadedFile) -> DataImport:
    """Keep the uploaded file and start importing it in the background."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise SchoolsError("The file is larger than 200 MB; split it, or ask a site administrator.", field="file")
    with transaction.atomic():
        data_import = DataImport(la=la, kind=kind, original_name=upload.name[:255], requested_by=actor)
        data_import.file.save(upload.name, upload, save=False)
        data_import.save()
        job_enqueue(data_import)
    return data_import


def data_import_run(*, data_import: DataImport) -> DataImport:
    """Run an import held by this process (see jobs.runner.run_job): the task's and the command's work."""
    if data_import.kind == DataImport.Kind.GIAS:
        importer = GiasImporter(la=data_import.la)
    elif data_import.kind == DataImport.Kind.LINKS:
        importer = LinksImporter(la=data_import.la)
    else:
        importer = ResultsImporter(la=data_import.la, user=data_import.requested_by)
    if data_import.la is None:
        # A national extract spans every LA; only site administrators start one (import_gias).
        with scopes_disabled():
            return import_run(data_import=data_import, importer=importer)
    return import_run(data_import=data_import, importer=importer)


@transaction.atomic
def school_set_gaining_ground(
    *, actor, school: School, joined: int | None, left: int | None, version: int | None, request=None
) -> School:
    """Record when a school joined (and left) Gaining Ground; a stale version is refused, never overwritten."""
    school = School.objects.select_for_update().select_related("la").get(pk=school.pk)
    check_version(saved=school.version, sent=version, what="this school's Gaining Ground membership")
    if left is not None and joined is None:
        raise SchoolsError("Enter the year it joined before the year it left.", field="gaining_ground_joined")
    if left is not None and left < joined:
        raise SchoolsError("It cannot leave before it joined.", field="gaining_ground_left")
    before = {"joined": school.gaining_ground_joined, "left": school.gaining_ground_left}
    shown_before = snapshot(school, ["gaining_ground_joined", "gaining_ground_left"])
    school.gaining_ground_joined, school.gaining_ground_left = joined, left
    school.version += 1
    school.full_clean()
    school.save(update_fields=["gaining_ground_joined", "gaining_ground_left", "version", "updated_at"])
    audit_record(
        action=Action.SCHOOL_CHANGED,
        actor=actor,
        request=request,
        obj=school,
        detail={
            "gaining_ground": {"from": before, "to": {"joined": joined, "left": left}},
            "changes": field_changes(
                school,
                shown_before,
                labels={
                    "gaining_ground_joined": "Joined Gaining Ground in",
                    "gaining_ground_left": "Left Gaining Ground in",
                },
            ),
        },
    )
    return school


@transaction.atomic
def results_save(*, actor, school: School, academic_year: int, rows: dict, versions: dict, request=None) -> int:
    """Save one school's results for one year, by group.

    `rows` maps group → field values; `versions` maps group → the version the person started
    from (0 for a row that did not exist). A row someone else changed meanwhile is refused, so
    nobody's figures are silently overwritten. Returns the number of rows changed.
    """
    existing = {
        r.group: r
        for r in PerformanceResult.objects.select_for_update().filter(school=school, academic_year=academic_year)
    }
    clashes = [
        group for group in rows if (existing[group].version if group in existing else 0) != versions.get(group, 0)
    ]
    if clashes:
        raise SchoolsError(
            "Someone else changed these results while you were editing. Your figures are below; "
            "check them against the latest ones and save again."
        )
    changed = 0
    for group, values in rows.items():
        result = existing.get(group)
        empty = all(value is None for value in values.values())
        if result is None:
            if empty:
                continue
            result = PerformanceResult(school=school, academic_year=academic_year, group=group)
        elif all(getattr(result, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(result, name, value)
        result.version = (result.version or 0) + (1 if result.pk else 0)
        result.updated_by = actor
        result.full_clean()
        result.save()
        changed += 1
    if changed:
        audit_record(
            action=Action.RESULTS_CHANGED,
            actor=actor,
            request=request,
            obj=school,
            detail={"academic_year": academic_year, "groups": sorted(rows)},
        )
    return changed


@transaction.atomic
def eligibility_record(
    *,
    actor,
    school: School,
    criterion: EligibilityCriterion,
    finding: str,
    evidence: str,
    version: int,
    followed_suggestion: bool = False,
    request=None,
) -> EligibilityAssessment:
    """Record whether a school meets a Gaining Ground criterion, refusing stale edits."""
    assessment, _ = EligibilityAssessment.objects.select_for_update().get_or_create(
        school=school, criterion=criterion, defaults={"version": 0}
    )
    if assessment.version != version:
        raise SchoolsError(
            f"{assessment.assessed_by or 'Someone'} recorded this criterion while you were editing. "
            "Your wording is below; check it against theirs and save again."
        )
    if finding == EligibilityAssessment.Finding.MET and not evidence.strip():
        raise SchoolsError("Say what evidence shows the criterion is met.", field="evidence")
    before = {"finding": assessment.finding, "evidence": assessment.evidence}
    assessment.finding = finding
    assessment.evidence = evidence.strip()
    assessment.followed_suggestion = followed_suggestion
    assessment.assessed_by = actor
    assessment.assessed_at = timezone.now()
    assessment.version += 1
    assessment.full_clean()
    assessment.save()
    audit_record(
        action=Action.ELIGIBILITY_RECORDED,
        actor=actor,
        request=request,
        obj=school,
        detail={"criterion": criterion.number, "from": before["finding"], "to": finding},
    )
    return assessment


@transaction.atomic
def school_link_confirm(*, actor, link: SchoolLink, request=None) -> dict:
    """Confirm that `link.successor` continues `link.predecessor`, and carry the school's work over.

    This academic year's Gaining Ground membership, SIP assignment (with its visits and days),
    active improvement priorities, Form 1 and partnerships (as the Gaining Ground school or as
    the partner) move to the new URN; the apps of the last three move theirs on `school_converted`.
    Earlier years stay with the predecessor, whose page keeps them. What the successor already has
    is kept, never overwritten.
    Returns what moved, as the audit record says.
    """
    link = SchoolLink.objects.select_for_update().select_related("predecessor", "successor").get(pk=link.pk)
    if link.is_confirmed:
        raise SchoolsError(f"The link from {link.predecessor.name} to {link.successor.name} is already confirmed.")
    old, new = link.predecessor, link.successor
    if new.is_closed:
        raise SchoolsError(f"{new.name} has closed: it cannot take over {old.name}'s work.")
    year = current_academic_year()
    moved: dict = {"from_urn": old.urn, "to_urn": new.urn, "year": year}

    if old.in_gaining_ground_in(year):
        if not new.in_gaining_ground_in(year):
            new.gaining_ground_joined, new.gaining_ground_left = old.gaining_ground_joined, old.gaining_ground_left
            moved["gaining_ground_joined"] = new.gaining_ground_joined
        # The predecessor leaves at the start of this year: its earlier years stay in the programme.
        old.gaining_ground_left = max(year, old.gaining_ground_joined)
        for school in (old, new):
            school.version += 1  # a Gaining Ground form opened before this is now stale
            school.full_clean()
            school.save(update_fields=["gaining_ground_joined", "gaining_ground_left", "version", "updated_at"])

    assignment = SipAssignment.objects.select_for_update().filter(school=old, academic_year=year).first()
    if assignment and not SipAssignment.objects.filter(school=new, academic_year=year).exists():
        assignment.school = new
        assignment.save(update_fields=["school"])
        moved["sip_assignment"] = {"sip": assignment.sip.email, "days": str(assignment.days_allocated)}

    # Priorities, Form 1 and partnerships: their apps build on the register and carry their own over.
    school_converted.send(sender=SchoolLink, old=old, new=new, year=year, moved=moved)

    link.confirmed_at, link.confirmed_by = timezone.now(), actor
    link.save(update_fields=["confirmed_at", "confirmed_by"])
    audit_record(action=Action.SCHOOL_LINK_CONFIRMED, actor=actor, request=request, obj=new, detail=moved)
    return moved
