from django.contrib import admin

from luoshi.audit.admin import ReadOnlyAdmin

from .models import SuggestionOverride, Tag, Task


@admin.register(SuggestionOverride)
class SuggestionOverrideAdmin(admin.ModelAdmin):
    list_display = ["term", "unit", "government", "created_by", "created_at"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "government"]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    """Read-only: task changes go through the ledger pages so every field change is audited."""

    list_display = ["code", "text", "status", "lead_unit", "report"]
    list_filter = ["status", "kind", "report"]
    search_fields = ["code", "text"]
