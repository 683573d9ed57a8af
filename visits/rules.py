import rules

from accounts.predicates import is_la_admin, is_schools_head, is_schools_sip, is_sip_in_la
from tenancy.academic_year import current_academic_year


@rules.predicate
def is_visits_sip(user, visit) -> bool:
    """The school's SIP for the visit's year (after a handover, the new SIP)."""
    return user.is_authenticated and visit.assignment.sip_id == user.pk


@rules.predicate
def is_finalised(user, visit) -> bool:
    """The SIP has finalised the record."""
    return visit.is_final


@rules.predicate
def is_this_years(user, visit) -> bool:
    """The visit belongs to the academic year that is running; earlier years are history."""
    return visit.assignment.academic_year >= current_academic_year()


# obj: the LocalAuthority
rules.add_perm("visits.view_caseload", is_sip_in_la | is_la_admin)
rules.add_perm("visits.manage_caseload", is_la_admin)
# obj: the school
rules.add_perm("visits.view_visits", is_la_admin | is_schools_sip | is_schools_head)
rules.add_perm("visits.plan_visit", is_schools_sip)
rules.add_perm("visits.decide_year_end", is_schools_sip)
# obj: the visit. The school's headteacher sees it once the SIP has finalised it.
rules.add_perm("visits.view_visit", is_la_admin | is_visits_sip | (is_schools_head & is_finalised))
rules.add_perm("visits.record_visit", is_visits_sip & is_this_years)
rules.add_perm("visits.correct_visit", is_la_admin & ~is_this_years)
rules.add_perm("visits.view_private_notes", is_la_admin | is_visits_sip)
