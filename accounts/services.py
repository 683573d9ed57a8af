"""Changes to people, memberships and invitations. Each writes its audit record."""

import hashlib
import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import audit_record, field_changes, snapshot
from common.client_address import client_address
from common.errors import DomainError

from .models import LA_ROLES, SCHOOL_ROLES, Invitation, Membership, Role

logger = logging.getLogger(__name__)

User = get_user_model()
_INVITATION_SALT = "accounts.invitation"


class AccountError(DomainError):
    pass


def invitation_token(invitation: Invitation) -> str:
    """The secret part of the invitation link. It names the LA so that reading it stays scoped."""
    return signing.dumps({"la": invitation.la_id, "n": invitation.nonce}, salt=_INVITATION_SALT, compress=True)


def invitation_token_read(token: str) -> dict | None:
    try:
        payload = signing.loads(token, salt=_INVITATION_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("la"), int) or not payload.get("n"):
        return None
    return payload


def _check_place(*, la, role: str, school) -> None:
    if role in SCHOOL_ROLES and school is None:
        raise AccountError("Choose the school for this role.", field="school")
    if role in LA_ROLES and school is not None:
        raise AccountError("This role belongs to the LA, not to one school: leave the school empty.", field="school")
    if school is not None and school.la_id != la.pk:
        raise AccountError("Choose a school in this LA.", field="school")


def _existing_membership(*, email: str, la, role: str, school) -> Membership | None:
    return Membership.objects.with_scope(la=la.pk).filter(user__email__iexact=email, role=role, school=school).first()


@transaction.atomic
def invitation_create(
    *, actor, la, email: str, role: str, school=None, is_chair: bool = False, full_name: str = "", request=None
) -> Invitation:
    """Invite a person by email to a role in the LA or one of its schools, and send the link."""
    email = email.strip().lower()
    _check_place(la=la, role=role, school=school)
    if is_chair and role != Role.GOVERNOR:
        raise AccountError("Only a governor can be the chair of governors.", field="is_chair")
    if _existing_membership(email=email, la=la, role=role, school=school):
        raise AccountError(f"{email} already has this role here.", field="email")
    pending = [
        i for i in Invitation.objects.with_scope(la=la.pk).filter(email=email, role=role, school=school) if i.is_usable
    ]
    if pending:
        raise AccountError(
            f"{email} already has an invitation to this role waiting; send it again from the list instead.",
            field="email",
        )
    invitation = Invitation(
        la=la,
        school=school,
        email=email,
        full_name=full_name.strip(),
        role=role,
        is_chair=is_chair,
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    audit_record(
        action=Action.INVITATION_SENT,
        actor=actor,
        request=request,
        obj=invitation,
        detail={"email": email, "role": role, "school": school.urn if school else None},
    )
    _send_invitation(invitation)
    return invitation


def _send_invitation(invitation: Invitation) -> None:
    from jobs.emails import email_request

    # A resend has a new expiry, so it is a new event with its own email.
    email_request(
        kind="invitation",
        event_key=f"invitation:{invitation.pk}:{invitation.expires_at.isoformat()}",
        la_id=invitation.la_id,
        invitation_id=invitation.pk,
    )


@transaction.atomic
def invitation_resend(*, actor, invitation: Invitation, request=None) -> Invitation:
    """Send a waiting (or expired) invitation again, with a fresh expiry date."""
    if invitation.accepted_at or invitation.revoked_at:
        raise AccountError("This invitation has been used or withdrawn; send a new one instead.")
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    invitation.save(update_fields=["expires_at"])
    audit_record(action=Action.INVITATION_RESENT, actor=actor, request=request, obj=invitation)
    _send_invitation(invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, actor, invitation: Invitation, request=None) -> Invitation:
    """Withdraw an invitation so that its link stops working."""
    if invitation.accepted_at:
        raise AccountError("This invitation has already been accepted; remove the person's role instead.")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(action=Action.INVITATION_REVOKED, actor=actor, request=request, obj=invitation)
    return invitation


@transaction.atomic
def invitation_accept(
    *, invitation_id: int, la_id: int, user=None, full_name: str = "", password: str = "", request=None
):
    """Use an invitation once: create the person if new, and give them the role.

    `user` is the signed-in person accepting for an existing account; otherwise a new account is
    made with `full_name` and `password`. Returns the person.
    """
    invitation = (
        Invitation.objects.with_scope(la=la_id)
        .select_for_update(of=("self",))
        .select_related("la", "school")
        .get(pk=invitation_id)
    )
    if not invitation.is_usable:
        raise AccountError(f"This invitation has {invitation.status}.")
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise AccountError("An account with this email address already exists: sign in to accept.")
        user = User(email=invitation.email, full_name=full_name.strip())
        user.set_password(password)
        user.full_clean()
        user.save()
    elif user.email.lower() != invitation.email.lower():
        raise AccountError(f"This invitation is for {invitation.email}; sign in with that address to accept it.")
    membership, _ = Membership.objects.with_scope(la=la_id).get_or_create(
        user=user,
        role=invitation.role,
        la=invitation.la,
        school=invitation.school,
        defaults={"is_chair": invitation.is_chair},
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        action=Action.INVITATION_ACCEPTED,
        actor=user,
        request=request,
        obj=membership,
        la=invitation.la,
        detail={"invitation": invitation.pk, "role": invitation.role},
    )
    return user


def _la_admins_left(membership: Membership) -> int:
    return (
        Membership.objects.with_scope(la=membership.la_id).filter(role=Role.LA_ADMIN).exclude(pk=membership.pk).count()
    )


@transaction.atomic
def membership_change_role(
    *, actor, membership: Membership, role: str, school=None, is_chair: bool = False, request=None
) -> Membership:
    """Move a person to another role in the same LA; school roles need a school of that LA."""
    if role not in LA_ROLES + SCHOOL_ROLES:
        raise AccountError("Choose a role an LA can give.", field="role")
    la = membership.la
    _check_place(la=la, role=role, school=school)
    if is_chair and role != Role.GOVERNOR:
        raise AccountError("Only a governor can be the chair of governors.", field="is_chair")
    if membership.role == Role.LA_ADMIN and role != Role.LA_ADMIN and _la_admins_left(membership) == 0:
        raise AccountError("This is the LA's only administrator; make someone else an administrator first.")
    before = {
        "role": membership.role,
        "school": membership.school.urn if membership.school else None,
        "is_chair": membership.is_chair,
    }
    shown_before = snapshot(membership, ["role", "school", "is_chair"])
    clash = (
        Membership.objects.with_scope(la=la.pk)
        .filter(user=membership.user_id, role=role, school=school)
        .exclude(pk=membership.pk)
        .exists()
    )
    if clash:
        raise AccountError(f"{membership.user} already has that role.", field="role")
    membership.role = role
    membership.school = school
    membership.is_chair = is_chair
    membership.full_clean()
    membership.save()
    after = {"role": role, "school": school.urn if school else None, "is_chair": is_chair}
    audit_record(
        action=Action.ROLE_CHANGED,
        actor=actor,
        request=request,
        obj=membership,
        detail={
            "person": membership.user.email,
            "from": before,
            "to": after,
            "changes": field_changes(membership, shown_before),
        },
    )
    return membership


@transaction.atomic
def membership_remove(*, actor, membership: Membership, request=None) -> None:
    """Take a role away from a person; their account and other roles stay."""
    if membership.role == Role.LA_ADMIN and _la_admins_left(membership) == 0:
        raise AccountError("This is the LA's only administrator; make someone else an administrator first.")
    audit_record(
        action=Action.MEMBERSHIP_REMOVED,
        actor=actor,
        request=request,
        obj=membership,
        detail={
            "person": membership.user.email,
            "role": membership.role,
            "school": membership.school.urn if membership.school else None,
        },
    )
    membership.delete()


def _within_limit(key: str, limit: int, window: int) -> bool:
    """Count one more request under `key` in a fixed window; False once the limit is passed.

    With the cache (Redis) down nothing can be counted: the request is let through, so people can
    still reset passwords in an outage, and the emails wait for the broker like every other job.
    """
    try:
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # the window ended between add() and incr()
            cache.set(key, 1, timeout=window)
            count = 1
    except Exception:
        logger.warning("password reset limit not checked: the cache is unavailable", exc_info=True)
        return True
    return count <= limit


@transaction.atomic
def password_reset_request(*, email: str, request) -> bool:
    """Send a reset link to the account with this email, unless asked too often.

    Limited per address (so nobody can fill a person's inbox) and per client (so nobody can
    probe many addresses); the caller answers the same whatever happened, so the answer tells
    nothing about accounts or limits. Returns whether an email was queued for sending.
    """
    from jobs.emails import email_request

    email = email.strip().lower()
    window = settings.PASSWORD_RESET_THROTTLE_SECONDS
    # Both counters move on every request, so a throttled client cannot keep trying addresses.
    address_ok = _within_limit(
        f"password-reset:address:{hashlib.sha256(email.encode()).hexdigest()}",
        settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
        window,
    )
    client_ok = _within_limit(
        f"password-reset:client:{client_address(request)}", settings.PASSWORD_RESET_LIMIT_PER_CLIENT, window
    )
    allowed = address_ok and client_ok
    audit_record(
        action=Action.PASSWORD_RESET_REQUESTED,
        request=request,
        actor_email=email[:254],
        detail={} if allowed else {"throttled": True},
    )
    if not allowed:
        return False
    # As Django's own reset form: active accounts that have a password to reset.
    users = [user for user in User.objects.filter(email__iexact=email, is_active=True) if user.has_usable_password()]
    for user in users:
        # Each request is its own event: a second request sends a second link.
        email_request(kind="password-reset", event_key=f"password-reset:{user.pk}:{uuid.uuid4().hex}", user_id=user.pk)
    return bool(users)
