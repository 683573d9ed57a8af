"""Every form of the portal words its errors in the Design System's style, naming the field."""

import importlib
import re

import pytest
from crispy_forms.utils import render_crispy_form
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from common.forms import GovukFormMixin
from schools.forms import ResultsForm

FORM_MODULES = [
    "accounts.forms",
    "audit.forms",
    "priorities.forms",
    "schools.forms",
    "schools.filters",
    "training.forms",
    "visits.forms",
]

# Django's own wording, which no page may show.
DJANGO_DEFAULTS = [
    "This field is required.",
    "Enter a whole number.",
    "Enter a number.",
    "Ensure this value",
    "Ensure that there are no more than",
    "Enter a valid",
    "Select a valid choice",
    "No file was submitted",
    "The submitted file is empty",
    "didn’t match",
]

BAD_VALUES = ["", "abc" * 200, "-1", "100000000", "12.345", "<b>x</b>"]


def every_form_class():
    for module in FORM_MODULES:
        importlib.import_module(module)
    found, todo = set(), list(GovukFormMixin.__subclasses__())
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo += cls.__subclasses__()
    return {cls for cls in found if cls.__module__.split(".")[0] != "tests" and cls.__name__ != "FilterForm"}


def build(cls, world, data=None, files=None):
    """An instance of the form, with whatever its page gives it."""
    from priorities.models import Priority
    from tests.factories import PriorityFactory

    kwargs = {}
    name = cls.__name__
    if name == "AssignmentForm":
        kwargs["la"] = world.a.la
    if name == "AcceptInvitationForm":
        kwargs["email"] = "new.person@example.org"
    if name == "MostImportantForm":
        kwargs["priorities"] = [type("P", (), {"position": i, "priority": f"Priority {i}"}) for i in range(1, 6)]
    if name == "ResultsForm":
        kwargs["results"] = {}
    if name == "EvaluationForm":
        kwargs["priority"] = Priority.objects.first() or PriorityFactory(school=world.a.school)
    if name == "PrepareYearForm":
        kwargs["la"] = world.a.la
        kwargs["proposals"] = [type("P", (), {"school": world.a.school, "sip_id": world.a.sip.pk, "days": 9})]
    if name == "AnswersForm":
        kwargs["school"] = world.a.school
    if name == "VisitRecordForm":
        from tests.factories import VisitFactory

        kwargs["instance"] = VisitFactory(assignment=world.a.assignment)
    if name == "StepDecisionForm":
        kwargs["step"] = type("S", (), {"pk": 1, "action": "Share the data"})
    if name == "CarryOverForm":
        kwargs["rows"] = [type("R", (), {"position": 1, "priority": "Maths", "key_focus_areas": "KS3"})]
    if name == "NewPasswordForm":
        return cls(world.a.head, data)
    if name in ("SignInForm",):
        return cls(None, data=data)
    return cls(data, files, **kwargs) if data is not None else cls(**kwargs)


def bad_data(form, value):
    data = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field.widget, forms.MultiWidget):
            data |= {f"{key}_{i}": value for i in range(len(field.widget.widgets))}
        elif isinstance(field, forms.MultipleChoiceField):
            data[key] = [value]
        else:
            data[key] = value
    return data


@pytest.mark.parametrize("value", BAD_VALUES, ids=["empty", "long-text", "negative", "huge", "decimal", "markup"])
def test_no_form_shows_djangos_default_messages_for_bad_input(world, value):
    classes = every_form_class()
    assert len(classes) >= 20, sorted(c.__name__ for c in classes)
    with scope(la=world.a.la.pk):
        for cls in sorted(classes, key=lambda c: c.__name__):
            blank = build(cls, world)
            files = {"file": SimpleUploadedFile("data.csv", b"")} if "file" in blank.fields and value else None
            form = build(cls, world, data=bad_data(blank, value), files=files)
            form.is_valid()
            messages = [m for errors in form.errors.values() for m in errors]
            html = render_crispy_form(form)
            for default in DJANGO_DEFAULTS:
                assert default not in html, (cls.__name__, default)
                assert not any(default in m for m in messages), (cls.__name__, messages)


def test_an_empty_required_field_is_named_in_its_message(world):
    from accounts.forms import AcceptInvitationForm, InvitationForm

    with scope(la=world.a.la.pk):
        form = InvitationForm({"email": "", "role": ""})
        assert form.errors["email"] == ["Enter email address"]
        assert form.errors["role"] == ["Select role"]
        assert InvitationForm({"email": "not an address", "role": "sip"}).errors["email"] == [
            "Enter email address in the correct format, like name@example.com"
        ]
    assert AcceptInvitationForm({"full_name": "x" * 151}, email="a@example.org").errors["full_name"] == [
        "Full name must be 150 characters or fewer"
    ]


def test_the_results_form_names_the_measure_and_the_pupil_group(world):
    form = ResultsForm({"boys-five_ac_em": "120", "all-cohort": "many", "all-cva": "-"}, results={})
    assert not form.is_valid()
    assert form.errors["boys-five_ac_em"] == [
        "Enter % 5+ A*–C GCSEs incl. English and maths for Boys as a number from 0 to 100"
    ]
    assert form.errors["all-cohort"] == ["Enter pupils in the cohort for All pupils as a whole number from 0 to 10000"]
    assert form.errors["all-cva"] == ["Enter CVA for All pupils as a number from 0 to 2000"]


def test_labels_keep_their_capitals(client, world):
    client.force_login(world.a.sip)
    page = client.get(f"/la/926/schools/{world.a.school.urn}/results/2025/").content.decode()
    labels = re.findall(r'<label class="govuk-label" for="[^"]+">([^<]+)</label>', page)
    assert "% 5+ A*–C GCSEs incl. English and maths" in labels
    assert "% expected progress in English" in labels and "CVA lower confidence limit" in labels
    assert "% FSM" in labels


def test_roles_and_visit_types_keep_their_capitals_in_sentences(client, world, django_capture_on_commit_callbacks):
    import datetime

    from django.core import mail
    from django.urls import reverse
    from django_scopes import scopes_disabled

    from tests.factories import VisitFactory

    client.force_login(world.a.la_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("people:invitation-new", args=["926"]), {"email": "new.admin@example.org", "role": "la-admin"}
        )
    path = re.search(r"https?://[^/\s]+(/accounts/invitations/\S+/)", mail.outbox[-1].body).group(1)
    client.logout()
    assert "You are invited as LA administrator for" in client.get(path).content.decode()

    with scopes_disabled():
        VisitFactory(
            assignment=world.a.assignment,
            kind="gaining-ground",
            date=datetime.date(2026, 11, 5),
            state="final",
            finalised_at=datetime.datetime(2026, 11, 5, 16, tzinfo=datetime.UTC),
        )
    client.force_login(world.a.sip)
    visits = client.get(reverse("visits:list", args=["926", world.a.school.urn])).content.decode()
    assert "Gaining Ground additional day, " in visits


def test_list_filters_word_a_bad_choice_in_the_design_systems_style(client, world):
    client.force_login(world.a.la_admin)
    page = client.get("/la/926/schools/?phase=nonsense&sip=999999").content.decode()
    for default in DJANGO_DEFAULTS:
        assert default not in page
    assert "Choose phase from the options given" in page


def test_year_bounds_read_as_years():
    from schools.forms import GainingGroundForm

    form = GainingGroundForm({"gaining_ground_joined": "1999", "gaining_ground_left": "twenty"})
    assert form.errors == {
        "gaining_ground_joined": ["Enter the year it joined as a whole number from 2000 to 2100"],
        "gaining_ground_left": ["Enter the year it left as a whole number from 2000 to 2100"],
    }
