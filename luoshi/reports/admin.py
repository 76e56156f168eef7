from django.contrib import admin

from .models import WorkReport


@admin.register(WorkReport)
class WorkReportAdmin(admin.ModelAdmin):
    list_display = ["title", "government", "year", "imported_at", "imported_by"]
    readonly_fields = ["source_text", "imported_at", "imported_by"]
