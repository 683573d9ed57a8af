from django.contrib import admin

from .models import DataImport, EligibilityCriterion, EstablishmentType, NationalAverage, RegisterSource, School


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ("name", "urn", "la", "phase", "gaining_ground_joined")
    list_filter = ("la", "phase")
    search_fields = ("name", "urn")


@admin.register(EligibilityCriterion)
class EligibilityCriterionAdmin(admin.ModelAdmin):
    """Site administrators mark the criteria "most likely to be in evidence" (italic in the handbook)."""

    list_display = ("number", "text", "most_likely", "rule")
    list_editable = ("most_likely",)
    readonly_fields = ("number", "text", "rule")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NationalAverage)
class NationalAverageAdmin(admin.ModelAdmin):
    list_display = ("academic_year", "group", "five_ac_em", "progress_english", "progress_maths")
    list_filter = ("academic_year", "group")


@admin.register(EstablishmentType)
class EstablishmentTypeAdmin(admin.ModelAdmin):
    """The site administrator decides which GIAS establishment types the register takes."""

    list_display = ("name", "in_scope")
    list_editable = ("in_scope",)
    list_filter = ("in_scope",)
    search_fields = ("name",)


@admin.register(DataImport)
class DataImportAdmin(admin.ModelAdmin):
    list_display = ("original_name", "kind", "la", "state", "created_at", "error_count")
    list_filter = ("kind", "state", "la")
    readonly_fields = [f.name for f in DataImport._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(RegisterSource)
class RegisterSourceAdmin(admin.ModelAdmin):
    """One row: the extract URL of the nightly refresh, and how the last attempt went."""

    list_display = ("extract_url", "last_attempt_at", "last_success_at", "last_problem")
    fields = ("extract_url", "last_attempt_at", "last_success_at", "last_problem", "last_import_id")
    readonly_fields = ("last_attempt_at", "last_success_at", "last_problem", "last_import_id")

    def has_add_permission(self, request):
        return not RegisterSource.objects.exists()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "extract_url":
            kwargs["assume_scheme"] = "https"  # a URL typed without its scheme
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False
