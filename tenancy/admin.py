from django.contrib import admin

from .models import LocalAuthority, NationalBody


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "region", "challenge_area")
    list_filter = ("region", "challenge_area")
    search_fields = ("code", "name")


@admin.register(NationalBody)
class NationalBodyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind")
