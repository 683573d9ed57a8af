"""Object helpers shared by the profile and the plan: 404 for the wrong school, recorded."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from audit.models import Action
from audit.services import audit_record
from schools.selectors import get_school_for_user


def not_found(request, what: str) -> Http404:
    """A 404 for something of a school this person has no role in, written to the audit log first."""
    audit_record(
        action=Action.ACCESS_DENIED, request=request, la=request.la, detail={"path": request.path[:500], "what": what}
    )
    return Http404("No such page")


def get_school_with_perm(request, urn: str, perm: str, *, what: str):
    """The school, if this person has `perm` on it; a recorded 404 otherwise."""
    try:
        school = get_school_for_user(request, urn)
    except Http404:
        raise not_found(request, what) from None
    if not request.user.has_perm(perm, school):
        raise not_found(request, what)
    return school


def require(request, perm: str, obj, message: str) -> None:
    """PermissionDenied (403) for someone who may read `obj` but not do this to it."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(message)
