import rules

from accounts.models import Role
from accounts.predicates import access_to


@rules.predicate
def can_edit_priorities(user, school) -> bool:
    """The school's headteacher and its SIP this year (and the LA's administrators)."""
    access = access_to(user, school)
    return access is not None and (
        access.can_edit_school(school.pk) or school.pk in access.school_ids(Role.HEADTEACHER)
    )


@rules.predicate
def is_head_or_sip(user, school) -> bool:
    """The school's headteacher, or its SIP this year: the people who write Form 1."""
    access = access_to(user, school)
    return access is not None and (
        school.pk in access.sip_school_ids or school.pk in access.school_ids(Role.HEADTEACHER)
    )


@rules.predicate
def is_schools_governor(user, school) -> bool:
    access = access_to(user, school)
    return access is not None and school.pk in access.school_ids(Role.GOVERNOR)


# obj: the school
rules.add_perm("priorities.change_priorities", can_edit_priorities)
# Form 1 is the headteacher's and SIP's (the LA reads it); governors read the plan.
rules.add_perm("priorities.view_profile", can_edit_priorities)
rules.add_perm("priorities.change_profile", is_head_or_sip)
rules.add_perm("priorities.view_plan", can_edit_priorities | is_schools_governor)
