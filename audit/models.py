"""Who did what to which object, when and from where. Rows are only ever added."""

from django.conf import settings
from django.db import models

from tenancy.scoping import ScopedManager


class Action(models.TextChoices):
    SIGN_IN = "auth.sign-in", "Signed in"
    SIGN_IN_FAILED = "auth.sign-in-failed", "Failed sign-in"
    SIGN_OUT = "auth.sign-out", "Signed out"
    LOCKED_OUT = "auth.locked-out", "Locked out after repeated failures"
    PASSWORD_RESET_REQUESTED = "auth.password-reset-requested", "Asked for a password reset"
    PASSWORD_CHANGED = "auth.password-changed", "Set a new password"
    INVITATION_SENT = "invitation.sent", "Invited a person"
    INVITATION_RESENT = "invitation.resent", "Sent an invitation again"
    INVITATION_REVOKED = "invitation.revoked", "Withdrew an invitation"
    INVITATION_ACCEPTED = "invitation.accepted", "Accepted an invitation"
    ROLE_CHANGED = "membership.role-changed", "Changed a role"
    MEMBERSHIP_REMOVED = "membership.removed", "Removed a role"
    ACCESS_DENIED = "access.denied", "Tried to open a page outside their access"
    DATA_IMPORTED = "data.imported", "Imported a file"
    DATA_IMPORT_REJECTED = "data.import-rejected", "Uploaded a file that was not imported: it has errors"
    DATA_IMPORT_FAILED = "data.import-failed", "Uploaded a file whose import failed"
    DATA_EXPORTED = "data.exported", "Downloaded a list"
    RESULTS_CHANGED = "results.changed", "Changed performance data"
    ELIGIBILITY_RECORDED = "eligibility.recorded", "Recorded Gaining Ground eligibility"
    SCHOOL_CHANGED = "school.changed", "Changed a school's record"
    SCHOOL_LINK_CONFIRMED = "school.link-confirmed", "Confirmed a school's successor and carried its work over"
    SIP_ASSIGNED = "caseload.assigned", "Assigned a SIP to a school"
    VISIT_PLANNED = "visit.planned", "Planned a visit"
    VISIT_FINALISED = "visit.finalised", "Finalised a visit record"
    VISIT_AMENDED = "visit.amended", "Amended a finalised visit record"
    VISIT_CORRECTED = "visit.corrected", "Corrected a visit record of an earlier year"
    SIP_HANDED_OVER = "caseload.handed-over", "Handed a school over to another SIP"
    CASELOAD_PREPARED = "caseload.prepared", "Prepared next year's SIP assignments"
    NEXT_STEP_CARRIED = "next-step.carried", "Carried a next step into the new year"
    NEXT_STEP_CLOSED = "next-step.closed", "Closed a next step at year end"
    PRIORITY_CHANGED = "priority.changed", "Changed a school priority"
    PROFILE_CHANGED = "profile.changed", "Changed a School Priority Profile"
    PROFILE_SENT = "profile.sent", "Sent a School Priority Profile to the SIP"
    PROFILE_RETURNED = "profile.returned", "Returned a School Priority Profile"
    PROFILE_AGREED = "profile.agreed", "Agreed a School Priority Profile"
    PROFILE_SUBMITTED = "profile.submitted", "Submitted a School Priority Profile"
    PROFILE_NEW_VERSION = "profile.new-version", "Started a new version of a School Priority Profile"
    PLAN_CHANGED = "plan.changed", "Changed the improvement plan"
    PLAN_REVIEWED = "plan.reviewed", "Reviewed an improvement plan action"
    SUPPORTING_SCHOOL_CHANGED = "matching.register", "Changed the register of supporting schools"
    MATCH_PROPOSED = "matching.proposed", "Proposed a partner school"
    MATCH_ACCEPTED = "matching.accepted", "Accepted a partnership"
    MATCH_DECLINED = "matching.declined", "Declined a partnership"
    FORM2_CHANGED = "form2.changed", "Changed a Partnership Strategy Action Plan"
    FORM2_TRANSITION = "form2.transition", "Moved a Partnership Strategy Action Plan on"
    FORM2_DOWNLOADED = "form2.downloaded", "Downloaded a Partnership Strategy Action Plan"
    FORM2_RENDER_RETRIED = "form2.render-retried", "Asked again for a Partnership Strategy Action Plan's PDF"
    PARTNERSHIP_CHANGED = "partnership.changed", "Changed a partnership"
    LEDGER_RECORDED = "ledger.recorded", "Recorded support from the Gaining Ground offer"
    REPORT_CHANGED = "report.changed", "Changed a SIP report"
    REPORT_SHARED = "report.shared", "Shared a SIP report with the headteacher"
    REPORT_COMMENTED = "report.commented", "Commented on a SIP report"
    REPORT_ISSUED = "report.issued", "Issued a SIP report"
    REPORT_NEW_VERSION = "report.new-version", "Started a new version of a SIP report"
    REPORT_DOWNLOADED = "report.downloaded", "Downloaded a SIP report"
    REPORT_RENDER_RETRIED = "report.render-retried", "Asked again for a SIP report's PDF"
    REPORTS_ARCHIVED = "report.archived", "Asked for a term's SIP reports as one file"
    TRAINING_PROGRAMME_CHANGED = "training.programme-changed", "Changed the core-training programme"
    TRAINING_SESSION_CHANGED = "training.session-changed", "Changed a core-training session"
    TRAINING_SESSION_CANCELLED = "training.session-cancelled", "Cancelled a core-training session"
    TRAINING_BOOKED = "training.booked", "Booked core training"
    TRAINING_PLACE_CHANGED = "training.place-changed", "Changed a core-training place"
    TRAINING_ATTENDANCE = "training.attendance", "Took the register of a core-training session"
    TRAINING_DOWNLOADED = "training.downloaded", "Downloaded a core-training register or certificate"


class AuditEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too, so the record still says who it was if the account is deleted.
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=40, choices=Action.choices)
    la = models.ForeignKey(
        "tenancy.LocalAuthority", null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    # The school the action concerned, so the log can be filtered by school.
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = ScopedManager(la="la")

    class Meta:
        ordering = ["-at", "-pk"]
        # The LA's log is read newest first, a page at a time by (at, id), filtered by any of these.
        indexes = [
            models.Index(fields=["la", "-at", "-id"], name="audit_la_at_id"),
            models.Index(fields=["la", "actor_email", "-at", "-id"], name="audit_la_actor_at_id"),
            models.Index(fields=["la", "action", "-at", "-id"], name="audit_la_action_at_id"),
            models.Index(fields=["la", "school", "-at", "-id"], name="audit_la_school_at_id"),
            models.Index(fields=["action", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email or 'anonymous'} {self.get_action_display()}"

    def details(self) -> list[str]:
        """What the log's reader needs beyond who, what and which: what was tried, what changed."""
        lines = []
        if self.action == Action.ACCESS_DENIED and self.detail.get("path"):
            lines.append(f"Tried to open {self.detail['path']}")
            if self.detail.get("reason"):
                lines.append(str(self.detail["reason"]))
        for change in self.detail.get("changes", []):
            lines.append(f"{change['field']}: {change['before']} → {change['after']}")
        return lines
