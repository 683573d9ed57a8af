import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from .models import School


class SchoolTable(tables.Table):
    region_label = "Schools"  # names the scrolling region around the table
    name = tables.Column(
        linkify=lambda record: reverse("schools:detail", args=[record.la.code, record.urn]),
        attrs={"a": {"class": "govuk-link"}},
    )
    urn = tables.Column(verbose_name="URN")
    ofsted_rating = tables.Column(verbose_name="Ofsted")
    sip_name = tables.Column(verbose_name="SIP this year", default="None assigned")
    gaining_ground = tables.Column(
        verbose_name="Gaining Ground",
        accessor="gaining_ground_joined",
        order_by=("gaining_ground_joined",),
        default="No",
    )
    criteria_met = tables.Column(verbose_name="Criteria met", attrs={"td": {"class": "govuk-table__cell--numeric"}})
    number_of_pupils = tables.Column(verbose_name="Pupils", attrs={"td": {"class": "govuk-table__cell--numeric"}})

    class Meta:
        model = School
        fields = (
            "name",
            "urn",
            "phase",
            "ofsted_rating",
            "sip_name",
            "gaining_ground",
            "criteria_met",
            "number_of_pupils",
        )
        empty_text = "No schools match."
        default = "Not recorded"

    def render_name(self, record, value):
        # linkify wraps what this returns in the link.
        if record.is_closed:
            return format_html('{} <strong class="govuk-tag govuk-tag--grey">Closed</strong>', value)
        return value

    def render_gaining_ground(self, record):
        if record.in_gaining_ground:
            return format_html(
                '<strong class="govuk-tag govuk-tag--turquoise">Since {}</strong>', record.gaining_ground_joined
            )
        return "No"


EXPORT_COLUMNS = [
    ("URN", "urn"),
    ("LAEstab", "laestab"),
    ("Name", "name"),
    ("Type", "establishment_type"),
    ("Phase", "get_phase_display"),
    ("Status", "get_status_display"),
    ("Pupils", "number_of_pupils"),
    ("% FSM", "percentage_fsm"),
    ("Headteacher", "headteacher_name"),
    ("Ofsted", "get_ofsted_rating_display"),
    ("Trust", "trust_name"),
    ("Postcode", "postcode"),
    ("SIP this year", "sip_name"),
    ("Gaining Ground since", "gaining_ground_joined"),
    ("Criteria met", "criteria_met"),
]
