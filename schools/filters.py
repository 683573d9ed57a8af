import django_filters
from django import forms
from django.http import QueryDict

from accounts.models import Role, User
from common.forms import GovukFormMixin
from tenancy.academic_year import current_academic_year

from .models import EligibilityAssessment, EligibilityCriterion, OfstedRating, Phase


class FilterForm(GovukFormMixin, forms.Form):
    pass


def _sips(request):
    """The SIPs working in the request's LA this year (a county keeps more SIP accounts than it uses)."""
    # Built per request for the request's LA: a class-level queryset would run unscoped.
    return (
        User.objects.filter(
            memberships__role=Role.SIP,
            memberships__la=request.la,
            sip_assignments__school__la=request.la,
            sip_assignments__academic_year=current_academic_year(),
        )
        .distinct()
        .order_by("full_name")
    )


def _criteria(request):
    return EligibilityCriterion.objects.order_by("number")


class SchoolFilter(django_filters.FilterSet):
    """Filters on the school list.

    No Meta.model: every filter is declared, so none resolves a scoped manager at import.
    """

    status = django_filters.ChoiceFilter(
        label="Open or closed",
        choices=[("open", "Open schools"), ("closed", "Closed schools"), ("all", "Open and closed schools")],
        empty_label=None,
        method="filter_status",
    )
    phase = django_filters.ChoiceFilter(choices=Phase.choices, empty_label="Any phase")
    gaining_ground = django_filters.ChoiceFilter(
        label="Gaining Ground",
        choices=[("yes", "In Gaining Ground"), ("no", "Not in Gaining Ground")],
        empty_label="Any",
        method="filter_gaining_ground",
    )
    sip = django_filters.ModelChoiceFilter(
        label="SIP this year", queryset=_sips, empty_label="Any SIP", method="filter_sip"
    )
    criterion = django_filters.ModelChoiceFilter(
        label="Meets Gaining Ground criterion", queryset=_criteria, empty_label="Any", method="filter_criterion"
    )
    ofsted_rating = django_filters.ChoiceFilter(label="Ofsted", choices=OfstedRating.choices, empty_label="Any")

    class Meta:
        form = FilterForm

    def __init__(self, data=None, *args, **kwargs):
        # The list shows open schools unless asked otherwise: closed ones keep their history but
        # would crowd the everyday list.
        data = data.copy() if data is not None else QueryDict(mutable=True)
        data.setdefault("status", "open")
        super().__init__(data, *args, **kwargs)

    def filter_status(self, queryset, name, value):
        if value == "all":
            return queryset
        return queryset.closed() if value == "closed" else queryset.open()

    def filter_gaining_ground(self, queryset, name, value):
        return queryset.in_gaining_ground() if value == "yes" else queryset.not_in_gaining_ground()

    def filter_sip(self, queryset, name, value):
        return queryset.filter(sip_assignments__sip=value, sip_assignments__academic_year=current_academic_year())

    def filter_criterion(self, queryset, name, value):
        return queryset.filter(eligibility__criterion=value, eligibility__finding=EligibilityAssessment.Finding.MET)
