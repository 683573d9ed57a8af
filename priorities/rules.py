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


rules.add_perm("priorities.change_priorities", can_edit_priorities)
