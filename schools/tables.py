import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from .models import School


class SchoolTable(tables.Table):
    name = tables.Column(
        linkify=lambda record: reverse("schools:detail", args=[record.la.code, record.urn]),
        attrs={"a": {"class": "govuk-link"}},
    )
    urn = tables.Column(verbose_name="URN")
    gaining_ground = tables.Column(
        verbose_name="Gaining Ground",
        accessor="gaining_ground_joined",
        order_by=("gaining_ground_joined",),
        default="No",
    )

    class Meta:
        model = School
        fields = ("name", "urn", "phase", "postcode", "gaining_ground")
        empty_text = "There are no schools to show."
        default = "Not recorded"

    def render_gaining_ground(self, record):
        if record.in_gaining_ground:
            return format_html(
                '<strong class="govuk-tag govuk-tag--turquoise">Since {}</strong>', record.gaining_ground_joined
            )
        return "No"
