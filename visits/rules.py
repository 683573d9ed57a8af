import rules

from accounts.models import Role
from accounts.predicates import access_to, is_la_admin, is_sip_in_la


def _school_of(obj):
    return obj.assignment.school if hasattr(obj, "assignment") else obj


@rules.predicate
def is_schools_sip(user, obj) -> bool:
    """The SIP assigned to the school this year (obj: a school, or a visit of it)."""
    school = _school_of(obj)
    access = access_to(user, school)
    return access is not None and school.pk in access.sip_school_ids


@rules.predicate
def is_visits_sip(user, visit) -> bool:
    """The SIP whose visit it is."""
    return user.is_authenticated and visit.assignment.sip_id == user.pk


@rules.predicate
def is_schools_head(user, obj) -> bool:
    school = _school_of(obj)
    access = access_to(user, school)
    return access is not None and school.pk in access.school_ids(Role.HEADTEACHER)


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
