import rules

from accounts.predicates import is_la_admin, is_schools_head, is_schools_sip, is_sip_in_la


@rules.predicate
def is_visits_sip(user, visit) -> bool:
    """The SIP whose visit it is."""
    return user.is_authenticated and visit.assignment.sip_id == user.pk


@rules.predicate
def is_finalised(user, visit) -> bool:
    return visit.is_final


# obj: the LocalAuthority
rules.add_perm("visits.view_caseload", is_sip_in_la | is_la_admin)
rules.add_perm("visits.manage_caseload", is_la_admin)
# obj: the school
rules.add_perm("visits.view_visits", is_la_admin | is_schools_sip | is_schools_head)
rules.add_perm("visits.plan_visit", is_schools_sip)
# obj: the visit. The school's headteacher sees it once the SIP has finalised it.
rules.add_perm("visits.view_visit", is_la_admin | is_visits_sip | (is_schools_head & is_finalised))
rules.add_perm("visits.record_visit", is_visits_sip)
rules.add_perm("visits.view_private_notes", is_la_admin | is_visits_sip)
