"""The scoped manager every tenant-owned model uses.

django-scopes' `ScopedManager` refuses to read without a tenant scope, but (checked in 2.1) lets
some calls through that still reach every LA's rows: `exists()` and `explain()` run an
unfiltered query, `create()` and `bulk_create()` write without a scope, and `exclude()` starts a
query where `filter()` refuses. This manager has the same API (`objects = ScopedManager(la=
"school__la")`, `.with_scope(la=…)` with one LA or a list, `.with_scopes_disabled()`, a custom
queryset through `_manager_class=Manager.from_queryset(QuerySet)`) and refuses those too, and
`bulk_update()` whatever its arguments. Code that legitimately works across LAs (seed data,
factories, management commands, the audit writer, the national selectors) says so with
`scopes_disabled()`, `with_scopes_disabled()` or `with_scope(la=[…])`.
"""

import copy

from django.db import models
from django_scopes.manager import DisabledQuerySet
from django_scopes.state import get_scope

# Calls django-scopes' refusing queryset still answers, each reaching (or writing to) any LA.
ALSO_REFUSED = ("exists", "explain", "exclude", "create", "bulk_create", "bulk_update")


class GuardedDisabledQuerySet(DisabledQuerySet):
    """What a scoped model's manager returns outside a scope: every query and write raises."""


for _name in ALSO_REFUSED:
    setattr(GuardedDisabledQuerySet, _name, DisabledQuerySet.error)

_disabled_classes: dict[type, type] = {}


def _disabled_queryset_class(queryset_class: type[models.QuerySet]) -> type[models.QuerySet]:
    """The refusing queryset with a custom queryset's methods.

    Calling one of them then raises ScopeError (from the `filter()` inside it), not AttributeError.
    """
    if queryset_class is models.QuerySet:
        return GuardedDisabledQuerySet
    if queryset_class not in _disabled_classes:
        _disabled_classes[queryset_class] = type(
            f"ScopeDisabled{queryset_class.__name__}", (GuardedDisabledQuerySet, queryset_class), {}
        )
    return _disabled_classes[queryset_class]


def ScopedManager(_manager_class=models.Manager, **scopes):  # noqa: N802  (same name as django-scopes')
    """A manager filtering by the active scope, e.g. `ScopedManager(la="school__la")`."""
    required_scopes = set(scopes)

    class Manager(_manager_class):
        def with_scope(self, **scope):
            cloned = copy.copy(self)
            cloned._override_scope = {**scope, "_enabled": True}
            return cloned

        def with_scopes_disabled(self):
            cloned = copy.copy(self)
            cloned._override_scope = {"_enabled": False}
            return cloned

        def get_queryset(self):
            current_scope = getattr(self, "_override_scope", None) or get_scope()
            if not current_scope.get("_enabled", True):
                return super().get_queryset()
            missing = required_scopes - set(current_scope)
            if missing:
                disabled_class = _disabled_queryset_class(self._queryset_class)
                return disabled_class(self.model, using=self._db, missing_scopes=missing)
            filters = {}
            for dimension in required_scopes:
                value = current_scope[dimension]
                if isinstance(value, list | tuple | set | frozenset):
                    filters[f"{scopes[dimension]}__in"] = list(value)
                elif value is not None:
                    filters[scopes[dimension]] = value
            return super().get_queryset().filter(**filters)

        def all(self):
            queryset = super().all()
            if isinstance(queryset, DisabledQuerySet):
                queryset = queryset.all()
            return queryset

    Manager.scoped_by = dict(scopes)
    return Manager()
