"""Writing the audit log. Call `audit_record` inside the transaction of the change it records."""

from typing import Any

from django.db import models

from sipportal.client_address import client_address

from .models import Action, AuditEvent


def audit_record(
    *,
    action: Action,
    actor=None,
    request=None,
    la=None,
    obj: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    actor_email: str = "",
) -> AuditEvent:
    """Add one row to the audit log."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if la is None and obj is not None:
        la = getattr(obj, "la", None)
    # Events happen inside an LA's pages and outside any (sign-in, national pages): the row carries
    # its own LA, so writing it needs no scope.
    return AuditEvent.objects.with_scopes_disabled().create(
        action=action,
        actor=actor,
        actor_email=actor.email if actor is not None else actor_email,
        la=la,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        ip_address=client_address(request),
        detail=detail or {},
    )
