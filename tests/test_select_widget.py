"""The portal's <select> writes the same markup as Django's, without a template per option."""

from django import forms
from django.template import Context, Template

from common.forms import GovukFormMixin
from common.widgets import Select


def _options(html: str) -> list[str]:
    return [line.strip() for line in html.splitlines() if line.strip()]


def test_the_select_writes_the_same_options_as_djangos_escaped_and_with_the_choice_selected():
    choices = [("", "Any"), ("a<b", "A & B"), ("Group", [("1", "One")]), ("2", "Two")]
    attrs = {"class": "govuk-select", "id": "id_x", "required": True}
    ours = Select(choices=choices, attrs=attrs).render("x", "1")
    assert _options(ours) == _options(forms.Select(choices=choices, attrs=attrs).render("x", "1"))
    assert '<option value="a&lt;b">A &amp; B</option>' in ours
    assert '<option value="1" selected>One</option>' in ours


def test_govuk_forms_render_their_selects_with_it_and_keep_radios_as_they_are():
    class Form(GovukFormMixin, forms.Form):
        pick = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
        radio = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)

    form = Form()
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))
    assert type(form.fields["pick"].widget) is Select
    assert 'class="govuk-select' in html and '<option value="a">A</option>' in html
    assert isinstance(form.fields["radio"].widget, forms.RadioSelect) and 'type="radio"' in html
