"""The LA of a request, for pages about the whole LA."""

from django.core.exceptions import PermissionDenied

from .models import LocalAuthority


def get_la_for_user(request, perm: str, refusal: str = "") -> LocalAuthority:
    """The request's LA if the person has `perm` in it; 403 otherwise (`refusal` goes to the audit log).

    The LA-wide twin of the object helpers: the tenant middleware has already answered 404 (and
    recorded it) to people with no role in the LA, so a member without the permission gets a 403.
    """
    if not request.user.has_perm(perm, request.la):
        raise PermissionDenied(refusal)
    return request.la
