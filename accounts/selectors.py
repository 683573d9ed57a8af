"""Reading people, roles and invitations for the LA's people pages and the invitation link."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from tenancy.selectors import get_la_for_user

from .models import Invitation, Membership, User

MANAGE_PEOPLE = "accounts.manage_people"


def memberships_of_la() -> QuerySet[Membership]:
    """The roles people hold in the LA in scope, with who, where and which school."""
    return Membership.objects.select_related("user", "la", "school")


def get_membership_for_la(membership_id: int) -> Membership:
    """One role in the LA in scope; another LA's role is a 404."""
    return get_object_or_404(memberships_of_la(), pk=membership_id)


def get_membership_for_edit(request, membership_id: int) -> Membership:
    """One role in the request's LA, for its people managers: 403 for other members, 404 for another LA's role."""
    get_la_for_user(request, MANAGE_PEOPLE)
    return get_membership_for_la(membership_id)


def invitations_of_la() -> QuerySet[Invitation]:
    """The invitations the LA in scope has sent."""
    return Invitation.objects.select_related("la", "school")


def get_invitation_for_la(invitation_id: int) -> Invitation:
    """One invitation of the LA in scope; another LA's invitation is a 404."""
    return get_object_or_404(Invitation, pk=invitation_id)


def get_invitation_for_edit(request, invitation_id: int) -> Invitation:
    """One invitation of the request's LA, for its people managers: 403 for other members, 404 for another LA's."""
    get_la_for_user(request, MANAGE_PEOPLE)
    return get_invitation_for_la(invitation_id)


def invitation_from_link(payload: dict) -> Invitation | None:
    """The invitation a signed link names, read in the link's own LA (the reader has no LA yet)."""
    return (
        Invitation.objects.with_scope(la=payload["la"])
        .select_related("la", "school")
        .filter(nonce=payload["n"])
        .first()
    )


def has_account(email: str) -> bool:
    """Whether someone already signs in with this email address (case ignored)."""
    return User.objects.filter(email__iexact=email).exists()
