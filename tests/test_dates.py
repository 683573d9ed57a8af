"""Dates are typed into the GOV.UK date input's boxes and checked with the Design System's messages."""

import datetime
import re

import pytest
from crispy_forms.utils import render_crispy_form
from django import forms
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from common.dates import GovukDateField, GovukMonthYearField
from common.forms import GovukFormMixin, error_summary_items
from priorities.forms import MilestoneForm, ProfilePriorityForm
from visits.models import Visit


class VisitDateForm(GovukFormMixin, forms.Form):
    date = GovukDateField(label="Date of visit")


class PeriodForm(GovukFormMixin, forms.Form):
    starts_on = GovukMonthYearField(label="Start")
    ends_on = GovukMonthYearField(label="End", end_of_month=True)


def post(day="", month="", year=""):
    return VisitDateForm({"date_0": day, "date_1": month, "date_2": year})


def box(html: str, index: int) -> str:
    """The <input> of one box of the date (0 day, 1 month, 2 year)."""
    return re.search(rf'<input[^>]*id="id_date_{index}"[^>]*>', html).group(0)


@pytest.mark.parametrize(
    ("typed", "message", "wrong_boxes"),
    [
        (("", "", ""), "Enter date of visit", {0, 1, 2}),
        (("27", "", "2026"), "Date of visit must include a month", {1}),
        (("", "", "2026"), "Date of visit must include a day and month", {0, 1}),
        (("27", "11", ""), "Date of visit must include a year", {2}),
        (("27", "13", "2026"), "Date of visit must be a real date", {1}),
        (("30", "2", "2027"), "Date of visit must be a real date", {0}),
        (("27", "Nov", "2026"), "Date of visit must be a real date", {1}),
        (("27", "11", "112026"), "Year must include 4 numbers", {2}),
        (("27", "11", "26"), "Year must include 4 numbers", {2}),
    ],
)
def test_each_kind_of_bad_date_gets_its_own_message_keeps_what_was_typed_and_marks_only_the_wrong_boxes(
    typed, message, wrong_boxes
):
    form = post(*typed)
    assert not form.is_valid()
    assert form.errors["date"] == [message]
    html = render_crispy_form(form)
    assert message in html
    assert "govuk-form-group--error" in html
    for index, value in enumerate(typed):
        assert f'value="{value}"' in box(html, index) or (value == "" and "value=" not in box(html, index))
        assert ("govuk-input--error" in box(html, index)) == (index in wrong_boxes), (index, box(html, index))
    # The error summary links to the first wrong box.
    assert error_summary_items([form]) == [(f"id_date_{min(wrong_boxes)}", message)]


def test_a_real_date_is_accepted_with_or_without_leading_zeros_and_spaces():
    assert post(" 7", "03", "2027").is_valid()
    form = post("7", "3", "2027")
    assert form.is_valid() and form.cleaned_data["date"] == datetime.date(2027, 3, 7)


def test_a_saved_date_is_shown_in_its_three_boxes():
    html = render_crispy_form(VisitDateForm(initial={"date": datetime.date(2026, 11, 27)}))
    assert 'value="27"' in box(html, 0) and 'value="11"' in box(html, 1) and 'value="2026"' in box(html, 2)
    assert 'type="date"' not in html and 'inputmode="numeric"' in html
    assert "<legend" in html and "Date of visit" in html


def test_a_month_and_year_period_runs_from_the_first_of_its_start_month_to_the_last_of_its_end_month():
    form = PeriodForm({"starts_on_0": "9", "starts_on_1": "2026", "ends_on_0": "2", "ends_on_1": "2028"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"starts_on": datetime.date(2026, 9, 1), "ends_on": datetime.date(2028, 2, 29)}
    html = render_crispy_form(PeriodForm())
    assert "Day" not in html and "Month" in html and "Year" in html


def test_a_month_and_year_field_names_the_missing_part():
    form = PeriodForm({"starts_on_0": "", "starts_on_1": "2026", "ends_on_0": "13", "ends_on_1": "2026"})
    assert not form.is_valid()
    assert form.errors == {"starts_on": ["Start must include a month"], "ends_on": ["End must be a real date"]}


def test_form1_priority_dates_and_plan_milestones_use_the_date_input():
    priority = ProfilePriorityForm(
        {"priority": "Maths", "key_focus_areas": "KS3", "starts_on_0": "9", "starts_on_1": "2026", "ends_on_0": "7"}
    )
    assert not priority.is_valid()
    assert priority.errors["ends_on"] == ["End must include a year"]
    assert 'value="7"' in render_crispy_form(priority)
    milestone = MilestoneForm({"description": "Mock exams", "due_on_0": "31", "due_on_1": "4", "due_on_2": "2027"})
    assert not milestone.is_valid() and milestone.errors["due_on"] == ["Due date must be a real date"]


def test_a_sip_plans_a_visit_by_typing_day_month_and_year(client, world):
    client.force_login(world.a.sip)
    new = reverse("visits:new", args=["926", world.a.school.urn])
    page = client.get(new).content.decode()
    assert 'id="id_date_0"' in page and 'type="date"' not in page
    bad = client.post(
        new, {"date_0": "27", "date_1": "11", "date_2": "112026", "kind": "standard", "length_days": "1.0"}
    )
    assert bad.status_code == 200
    assert "Year must include 4 numbers" in bad.content.decode() and 'value="112026"' in bad.content.decode()
    good = client.post(new, {"date_0": "9", "date_1": "12", "date_2": "2026", "kind": "standard", "length_days": "1.0"})
    assert good.status_code == 302
    with scopes_disabled(), scope(la=world.a.la.pk):
        assert Visit.objects.filter(assignment=world.a.assignment, date=datetime.date(2026, 12, 9)).count() == 1


def test_the_error_summary_links_each_date_error_to_its_first_wrong_box_once(client, world):
    client.force_login(world.a.sip)
    new = reverse("visits:new", args=["926", world.a.school.urn])
    page = client.post(new, {"date_0": "", "date_1": "", "date_2": "", "kind": "standard", "length_days": "1.0"})
    summary = page.content.decode().split('class="govuk-error-summary__body"')[1].split("</ul>")[0]
    assert summary.count("Enter date of visit") == 1 and 'href="#id_date_0"' in summary
    page = client.post(new, {"date_0": "3", "date_1": "", "date_2": "", "kind": "standard", "length_days": "1.0"})
    summary = page.content.decode().split('class="govuk-error-summary__body"')[1].split("</ul>")[0]
    assert summary.count("Date of visit must include a month and year") == 1 and 'href="#id_date_1"' in summary
