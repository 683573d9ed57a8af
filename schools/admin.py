from django.contrib import admin

from .models import School


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ("name", "urn", "la", "phase", "gaining_ground_joined")
    list_filter = ("la", "phase")
    search_fields = ("name", "urn")
