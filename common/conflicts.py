"""Edit conflicts: what a page shows when someone else saved first.

Every form with a version check works the same way, so nobody loses what they typed and nobody's
save silently replaces another's:

1. The **service** compares the version the person started from with the saved one, under
   ``select_for_update``, and refuses a stale save::

       check_version(saved=locked.version, sent=version, what="this action")

   ``check_version`` raises ``VersionConflict`` (a ``DomainError``), so the transaction rolls back.

2. The **view** catches it, reads the saved object again and calls::

       except VersionConflict as error:
           conflict = Conflict.for_form(form, saved, error=error, version=saved.version)

   which (a) lists, field by field, the saved value beside what this person typed (only the
   fields that differ), (b) puts the message on the form, for the error summary, and (c) sets the
   form's hidden version field (``version_field``, default ``"version"``) to the saved version,
   so the next save from this page goes through. If someone saves again in between, that save is
   detected again. The form keeps what the person typed.

   Pages made of several forms or formsets build their rows themselves with ``ConflictRow`` and
   ``display``, call ``set_version`` on the form holding the hidden version, and pass
   ``Conflict(message=..., rows=...)`` to the page.

3. The **template** shows it where the form starts::

       {% include "includes/conflict.html" %}    {# reads `conflict` from the context #}

Nothing else: no extra models, no state between requests.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.db.models import Model

from common.errors import DomainError

NOT_PROVIDED = "Not provided"


class VersionConflict(DomainError):
    """Someone else saved since this person opened the page. Services raise it; views show it."""

    def __init__(self, message: str | None = None, *, what: str = "this"):
        super().__init__(
            message
            or f"Someone else changed {what} since you opened it. Their saved version is shown beside what "
            "you typed. Change your answers if you need to, then save again."
        )


def check_version(*, saved: int, sent: int | None, what: str = "this") -> None:
    """Refuse a save that started from an older version than the saved one."""
    if sent is None or int(sent) != int(saved):
        raise VersionConflict(what=what)


def display(value) -> str:
    """A stored or typed value in words, the way a summary list shows it."""
    if value is None or value == "" or value == [] or value == ():
        return NOT_PROVIDED
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return f"{value:%-d %B %Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%-d %B %Y}"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, list | tuple | set):
        return ", ".join(display(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class ConflictRow:
    """One field: its label, the saved value and the typed value, each already in words."""

    label: str
    saved: str
    typed: str


@dataclass
class Conflict:
    """What the conflict panel shows. ``rows`` lists only what differs."""

    message: str
    rows: list[ConflictRow] = field(default_factory=list)

    @classmethod
    def for_form(
        cls,
        form: forms.Form,
        saved,
        *,
        error: DomainError,
        version: int,
        version_field: str = "version",
        fields: list[str] | None = None,
    ) -> "Conflict":
        """Compare a validated form with the freshly read saved object; see the module's step 2.

        ``fields`` defaults to the form's fields that the saved object has (the hidden version
        excluded). Choice fields show their labels.
        """
        names = fields or [n for n in form.fields if n != version_field and hasattr(saved, n)]
        rows = []
        for name in names:
            saved_value, typed_value = getattr(saved, name), form.cleaned_data.get(name)
            if _same(saved_value, typed_value):
                continue
            field_ = form.fields[name]
            rows.append(
                ConflictRow(
                    label=str(field_.label or name.replace("_", " ").capitalize()),
                    saved=_in_words(field_, saved_value),
                    typed=_in_words(field_, typed_value),
                )
            )
        form.add_error(None, error.message)
        set_version(form, version, field=version_field)
        return cls(message=error.message, rows=rows)


def set_version(form: forms.Form, version: int, *, field: str = "version") -> None:
    """Make the form's hidden version the saved one, keeping everything else that was typed."""
    data = form.data.copy()  # a request's QueryDict is immutable
    data[form.add_prefix(field)] = str(version)
    form.data = data


def _same(saved, typed) -> bool:
    if saved in (None, "") and typed in (None, ""):
        return True
    if isinstance(saved, str) and isinstance(typed, str):
        return saved.strip().replace("\r\n", "\n") == typed.strip().replace("\r\n", "\n")
    return saved == typed


def _in_words(field_: forms.Field, value) -> str:
    if isinstance(field_, forms.ModelChoiceField):
        return display(value)
    choices = dict(getattr(field_, "choices", None) or ())
    if choices and not isinstance(value, list | tuple):
        return display(choices.get(value, value))
    if choices:
        return display([choices.get(v, v) for v in value])
    return display(value)
