from django.contrib import admin

from .models import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records kept as evidence or changed only through audited pages: readable here, never added,
    changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit trail is append-only: readable here, never added, changed or deleted."""

    list_display = ["at", "actor", "model", "object_id", "field", "old", "new"]
    list_filter = ["model", "field"]
    search_fields = ["object_id", "old", "new"]
