"""Building blocks for every app's rules.py: who the person is in the object's LA."""

import rules

from tenancy.models import LocalAuthority

from .access import LaAccess, access_for

# Where each kind of object keeps its LA: directly, through its school, or through the SIP
# assignment it belongs to.
_LA_PATHS = (("la_id",), ("school", "la_id"), ("assignment", "school", "la_id"))


def la_id_of(obj) -> int | None:
    if isinstance(obj, LocalAuthority):
        return obj.pk
    for path in _LA_PATHS:
        value = obj
        for name in path:
            value = getattr(value, name, None)
            if value is None:
                break
        if value is not None:
            return value
    return None


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
