"""Who may read, write and download SIP reports (obj: the school, a report or a document)."""

import rules

from accounts.predicates import is_la_admin, is_schools_governor, is_schools_head, is_schools_sip

from .models import Audience, Report


def _report(obj):
    return getattr(obj, "report", obj)


def _school(obj):
    return obj if hasattr(obj, "urn") else _report(obj).school


@rules.predicate
def is_report_sip(user, obj) -> bool:
    """The SIP assigned to the report's school this year."""
    return is_schools_sip(user, _school(obj))


@rules.predicate
def is_report_head(user, obj) -> bool:
    return is_schools_head(user, _school(obj))


@rules.predicate
def is_report_governor(user, obj) -> bool:
    return is_schools_governor(user, _school(obj))


@rules.predicate
def is_report_la_admin(user, obj) -> bool:
    return is_la_admin(user, _school(obj))


@rules.predicate
def is_shared_or_issued(user, obj) -> bool:
    return _report(obj).state in (Report.State.SHARED, Report.State.ISSUED)


@rules.predicate
def is_issued(user, obj) -> bool:
    return _report(obj).state == Report.State.ISSUED


@rules.predicate
def is_shared(user, obj) -> bool:
    return _report(obj).state == Report.State.SHARED


def _for(*audiences):
    @rules.predicate
    def audience_is(user, document) -> bool:
        return document.audience in audiences

    return audience_is


# obj: the school
rules.add_perm("reports.view_reports", is_report_la_admin | is_report_sip | is_report_head | is_report_governor)
rules.add_perm("reports.write_report", is_report_sip)
# obj: the report. The head reads it once shared with them; governors once issued.
rules.add_perm(
    "reports.view_report",
    is_report_la_admin | is_report_sip | (is_report_head & is_shared_or_issued) | (is_report_governor & is_issued),
)
rules.add_perm("reports.view_private_notes", is_report_la_admin | is_report_sip)
# Detail naming pupils or staff: never governors.
rules.add_perm("reports.view_named_detail", is_report_la_admin | is_report_sip | is_report_head)
rules.add_perm("reports.comment_report", is_report_head & is_shared)
# The head's comments and corrections are a conversation with the SIP, not for governors.
rules.add_perm("reports.view_discussion", is_report_la_admin | is_report_sip | is_report_head)
# Asking again for a report's PDFs after a failed rendering: the SIP and the LA.
rules.add_perm("reports.retry_document", is_report_la_admin | is_report_sip)
# obj: a rendered document. Governors get the governors' version; the head that and the
# school's; the SIP and the LA every version. SSAT reads its own through the national pages.
rules.add_perm(
    "reports.download_document",
    is_issued
    & (
        is_report_la_admin
        | is_report_sip
        | (is_report_head & _for(Audience.GOVERNORS, Audience.SCHOOL))
        | (is_report_governor & _for(Audience.GOVERNORS))
    ),
)
# obj: the LA
rules.add_perm("reports.view_la_reports", is_la_admin)
