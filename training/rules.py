import rules

from accounts.models import Role
from accounts.predicates import access_to, is_la_admin, is_schools_head, is_schools_sip, is_sip_in_la


@rules.predicate
def is_head_in_la(user, obj) -> bool:
    """A headteacher of one of the LA's schools (obj: anything of the LA)."""
    access = access_to(user, obj)
    return access is not None and bool(access.school_ids(Role.HEADTEACHER))


# obj: the LocalAuthority. Governors see nothing of training.
rules.add_perm("training.view_programme", is_la_admin | is_sip_in_la | is_head_in_la)
rules.add_perm("training.manage_programme", is_la_admin)
# obj: the school. A school books only for itself; its SIP and the LA read its bookings.
rules.add_perm("training.view_school_training", is_la_admin | is_schools_sip | is_schools_head)
rules.add_perm("training.book", is_schools_head)
