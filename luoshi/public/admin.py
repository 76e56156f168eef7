from django.contrib import admin

from .models import Disclosure


@admin.register(Disclosure)
class DisclosureAdmin(admin.ModelAdmin):
    list_display = ["task", "public", "embargo_until", "updated_at"]
    list_filter = ["public"]
    raw_id_fields = ["task"]
    readonly_fields = ["updated_by", "updated_at", "summary_updated_at"]
