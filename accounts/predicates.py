"""Building blocks for every app's rules.py: who the person is in the object's LA."""

import rules

from tenancy.models import LocalAuthority

from .access import LaAccess, access_for


def la_id_of(obj) -> int | None:
    if isinstance(obj, LocalAuthority):
        return obj.pk
    la_id = getattr(obj, "la_id", None)
    if la_id is None and getattr(obj, "school", None) is not None:
        la_id = obj.school.la_id
    return la_id


def access_to(user, obj) -> LaAccess | None:
    la_id = la_id_of(obj)
    if la_id is None or not user.is_authenticated:
        return None
    return access_for(user, la_id)


@rules.predicate
def is_la_admin(user, obj) -> bool:
    """An LA administrator of the object's LA (site administrators count as one everywhere)."""
    access = access_to(user, obj)
    return access is not None and access.is_la_admin


@rules.predicate
def is_sip_in_la(user, obj) -> bool:
    """A SIP commissioned by the object's LA."""
    access = access_to(user, obj)
    return access is not None and access.is_sip


@rules.predicate
def is_member_of_la(user, obj) -> bool:
    """Anyone with a role in the object's LA or one of its schools."""
    access = access_to(user, obj)
    return access is not None and access.is_member
