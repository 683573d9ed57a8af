import rules

from accounts.models import Role
from accounts.predicates import (
    access_to,
    is_la_admin,
    is_schools_head,
    is_schools_sip,
    is_schools_training_contact,
    is_sip_in_la,
)

# Who books a school's core training: its headteacher, and the training contact the head invites.
BOOKING_ROLES = (Role.HEADTEACHER, Role.TRAINING_CONTACT)


def booking_school_ids(access) -> set[int]:
    """The schools this person books training for (from the request's access record)."""
    return access.school_ids(*BOOKING_ROLES)


@rules.predicate
def books_in_la(user, obj) -> bool:
    """A headteacher or training contact of one of the LA's schools (obj: anything of the LA)."""
    access = access_to(user, obj)
    return access is not None and bool(booking_school_ids(access))


# obj: the LocalAuthority. Governors see nothing of training.
rules.add_perm("training.view_programme", is_la_admin | is_sip_in_la | books_in_la)
rules.add_perm("training.manage_programme", is_la_admin)
# obj: the school. A school books only for itself; its SIP and the LA read its bookings.
rules.add_perm(
    "training.view_school_training", is_la_admin | is_schools_sip | is_schools_head | is_schools_training_contact
)
rules.add_perm("training.book", is_schools_head | is_schools_training_contact)
# The head names the school's training contact.
rules.add_perm("training.manage_contact", is_schools_head)
# A certificate of attendance: for the school that booked the place, and the LA that ran the session.
rules.add_perm("training.download_certificate", is_la_admin | is_schools_head | is_schools_training_contact)
# The register (on screen, as CSV or PDF): the LA's administrators.
rules.add_perm("training.download_register", is_la_admin)
