import rules

from accounts.models import Role
from accounts.predicates import access_to, is_schools_governor, is_schools_head, is_schools_sip


@rules.predicate
def can_edit_priorities(user, school) -> bool:
    """The school's headteacher and its SIP this year (and the LA's administrators)."""
    access = access_to(user, school)
    return access is not None and (
        access.can_edit_school(school.pk) or school.pk in access.school_ids(Role.HEADTEACHER)
    )


# obj: the school
rules.add_perm("priorities.change_priorities", can_edit_priorities)
# Form 1 is the headteacher's and SIP's (the LA reads it); governors read the plan.
rules.add_perm("priorities.view_profile", can_edit_priorities)
# Form 1 is written by the school's headteacher and its SIP this year.
rules.add_perm("priorities.change_profile", is_schools_head | is_schools_sip)
rules.add_perm("priorities.view_plan", can_edit_priorities | is_schools_governor)
