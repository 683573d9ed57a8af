import django_tables2 as tables

from .models import AuditEvent


class AuditTable(tables.Table):
    at = tables.DateTimeColumn(verbose_name="When", format="j M Y, H:i:s")
    actor_email = tables.Column(verbose_name="Who", default="Not signed in")
    action = tables.Column(verbose_name="What")
    object_repr = tables.Column(verbose_name="Which", default="")
    ip_address = tables.Column(verbose_name="From", default="")

    class Meta:
        model = AuditEvent
        fields = ("at", "actor_email", "action", "object_repr", "ip_address")
        orderable = False
        empty_text = "Nothing has been recorded yet."
