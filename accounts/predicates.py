"""Building blocks for every app's rules.py: who the person is in the object's LA."""

import rules

from tenancy.models import LocalAuthority

from .access import LaAccess, access_for
from .models import Role

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


@rules.predicate
def is_only_training_contact(user, obj) -> bool:
    """Someone whose only roles in the object's LA are school training contacts."""
    access = access_to(user, obj)
    return (
        access is not None
        and not access.is_site_admin
        and bool(access.memberships)
        and access.roles == {Role.TRAINING_CONTACT}
    )


def _school_of(obj):
    """The school an object is about: the object itself, or the school of its SIP assignment."""
    return obj.assignment.school if hasattr(obj, "assignment") else obj


def _has_school_role(user, obj, role: str) -> bool:
    school = _school_of(obj)
    access = access_to(user, school)
    return access is not None and school.pk in access.school_ids(role)


@rules.predicate
def is_schools_sip(user, obj) -> bool:
    """The SIP assigned to the school this year (obj: a school, or a visit of it)."""
    school = _school_of(obj)
    access = access_to(user, school)
    return access is not None and school.pk in access.sip_school_ids


@rules.predicate
def is_schools_head(user, obj) -> bool:
    """The school's headteacher (obj: a school, or a visit of it)."""
    return _has_school_role(user, obj, Role.HEADTEACHER)


@rules.predicate
def is_schools_training_contact(user, obj) -> bool:
    """The school's training contact, invited by its headteacher."""
    return _has_school_role(user, obj, Role.TRAINING_CONTACT)


@rules.predicate
def is_schools_governor(user, obj) -> bool:
    """A governor of the school."""
    return _has_school_role(user, obj, Role.GOVERNOR)
