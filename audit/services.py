"""Writing the audit log. Call `audit_record` inside the transaction of the change it records."""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from common.client_address import client_address

from .models import Action, AuditEvent


def _school_id_of(obj) -> int | None:
    """The school an object belongs to, without a query when the object already knows it."""
    if obj is None:
        return None
    if obj._meta.label == "schools.School":
        return obj.pk
    if getattr(obj, "school_id", None) is not None:
        return obj.school_id
    for parent in ("assignment", "priority", "profile", "visit"):
        try:
            field = obj._meta.get_field(parent)
        except FieldDoesNotExist:
            continue
        if field.is_relation and field.is_cached(obj):  # already loaded: free to follow
            return _school_id_of(getattr(obj, parent))
    return None


def _shown(value) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The fields' values as a person would read them (choices by label, related objects by name)."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.choices:
            values[name] = getattr(obj, f"get_{name}_display")()
        else:
            values[name] = getattr(obj, name)
    return values


def field_changes(
    obj: models.Model, before: dict[str, Any], *, labels: dict[str, str] | None = None
) -> list[dict[str, str]]:
    """What changed since `before` (a snapshot of the same fields): field label, before, after.

    Call it after the change is saved; the result goes into the audit record's detail as "changes".
    """
    after = snapshot(obj, list(before))
    labels = labels or {}

    def label(name: str) -> str:
        text = labels.get(name) or str(obj._meta.get_field(name).verbose_name)
        return text[0].upper() + text[1:]

    return [
        {
            "field": label(name),
            "before": _shown(before[name]),
            "after": _shown(after[name]),
        }
        for name in before
        if before[name] != after[name]
    ]


def audit_record(
    *,
    action: Action,
    actor=None,
    request=None,
    la=None,
    obj: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    actor_email: str = "",
    school=None,
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
        school_id=school.pk if school is not None else _school_id_of(obj),
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        ip_address=client_address(request),
        detail=detail or {},
    )
