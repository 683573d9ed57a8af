from django.contrib import admin

from .models import EmailJob


@admin.register(EmailJob)
class EmailJobAdmin(admin.ModelAdmin):
    """Site administrators see which emails were sent, wait, or failed and why."""

    list_display = ["event_key", "kind", "state", "attempts", "created_at", "finished_at", "subject"]
    list_filter = ["state", "kind"]
    search_fields = ["event_key", "subject"]
    readonly_fields = [field.name for field in EmailJob._meta.fields]
