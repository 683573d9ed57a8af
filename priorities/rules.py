import rules

from accounts.models import Role
from accounts.predicates import access_to, is_la_admin, is_schools_governor, is_schools_head, is_schools_sip


@rules.predicate
def reads_school_priorities(user, school) -> bool:
    """The school's headteacher, its SIP this year, and the LA's administrators."""
    access = access_to(user, school)
    return access is not None and (
        access.can_edit_school(school.pk) or school.pk in access.school_ids(Role.HEADTEACHER)
    )


# obj: the school.
# The priorities and the plan are the school's, agreed with its SIP: the headteacher and the SIP
# change them; LA administrators and governors read them.
rules.add_perm("priorities.change_priorities", is_schools_head | is_schools_sip)
rules.add_perm("priorities.view_plan", reads_school_priorities | is_schools_governor)
# Form 1 is written by the school's headteacher and its SIP this year; the LA reads it.
rules.add_perm("priorities.view_profile", reads_school_priorities)
rules.add_perm("priorities.change_profile", is_schools_head | is_schools_sip)
# Earlier years' Form 1s and plans are history; only the LA's administrators correct them, with a reason.
rules.add_perm("priorities.correct_history", is_la_admin)
