"""Writing the audit log. Call `audit_record` inside the transaction of the change it records."""

from typing import Any

from django.db import models

from .models import Action, AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    # With PROXY_COUNT set, axes' ipware already resolved the client address.
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")


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
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_email=actor.email if actor is not None else actor_email,
        la=la,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        ip_address=client_ip(request),
        detail=detail or {},
    )
