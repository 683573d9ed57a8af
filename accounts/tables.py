import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from .models import Invitation, Membership

STATUS_TAGS = {"pending": "blue", "accepted": "green", "expired": "grey", "revoked": "red"}


class MembershipTable(tables.Table):
    region_label = "People with a role"  # names the scrolling region around the table
    person = tables.Column(accessor="user__full_name", order_by=("user__full_name",))
    email = tables.Column(accessor="user__email", verbose_name="Email address")
    role = tables.Column(accessor="role", order_by=("role",))
    school = tables.Column(default="Whole LA", order_by=("school__name",))
    change = tables.Column(empty_values=(), orderable=False, verbose_name="")

    class Meta:
        model = Membership
        fields = ("person", "email", "role", "school")
        empty_text = "Nobody has a role in this LA yet."

    def render_role(self, record):
        return "Chair of governors" if record.is_chair else record.get_role_display()

    def render_change(self, record):
        url = reverse("people:membership-edit", args=[record.la.code, record.pk])
        return format_html(
            '<a class="govuk-link" href="{}">Change<span class="govuk-visually-hidden"> role of {}</span></a>',
            url,
            record.user,
        )


class InvitationTable(tables.Table):
    region_label = "Invitations"  # names the scrolling region around the table
    email = tables.Column(verbose_name="Email address")
    role = tables.Column()
    place = tables.Column(accessor="school", default="Whole LA", verbose_name="School", order_by=("school__name",))
    status = tables.Column(empty_values=(), orderable=False)
    expires_at = tables.DateTimeColumn(verbose_name="Link works until", format="j M Y, H:i")
    actions = tables.TemplateColumn(template_name="accounts/_invitation_actions.html", orderable=False, verbose_name="")

    class Meta:
        model = Invitation
        fields = ("email", "role", "place", "status", "expires_at")
        empty_text = "No invitations have been sent."

    def render_status(self, record):
        return format_html(
            '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
            STATUS_TAGS[record.status],
            record.status.capitalize(),
        )
