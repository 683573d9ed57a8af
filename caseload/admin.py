from django.contrib import admin

from .models import SipAssignment


@admin.register(SipAssignment)
class SipAssignmentAdmin(admin.ModelAdmin):
    list_display = ("school", "sip", "academic_year", "days_allocated")
    list_filter = ("academic_year",)
    autocomplete_fields = ("school", "sip")
