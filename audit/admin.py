from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is only ever added to."""

    list_display = ("at", "actor_email", "action", "la", "object_repr", "ip_address")
    list_filter = ("action", "la")
    search_fields = ("actor_email", "object_repr")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
