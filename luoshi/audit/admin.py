import json

from django.contrib import admin
from django.contrib.admin.models import LogEntry

from .models import AuditEntry
from .security import event


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records kept as evidence or changed only through audited pages: readable here, never added,
    changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdmin(admin.ModelAdmin):
    """An admin whose additions, changes and deletions are security events of ``audit_kind`` (users,
    tokens, settings, webhooks): the admin's own log is kept by the admin, this one in the audit trail."""

    audit_kind = "settings"

    def _audit(self, request, obj, verb: str, message) -> None:
        raw = json.dumps(message) if isinstance(message, list) else str(message or "")
        words = LogEntry(change_message=raw).get_change_message() if isinstance(message, list) else raw
        kind = self.audit_kind
        if kind == "user" and '"password"' in raw:
            kind = "password"
        event(request, kind, obj=obj, detail=f"{verb} {obj} {words}".strip())

    def log_addition(self, request, obj, message):
        self._audit(request, obj, "新增", message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, obj, "修改", message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(request, obj, "删除", "")
        return super().log_deletions(request, queryset)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit trail is append-only: readable here, never added, changed or deleted."""

    list_display = ["at", "actor_name", "address", "kind", "model", "object_id", "field", "old", "new"]
    list_filter = ["kind", "model", "field"]
    search_fields = ["actor_name", "object_id", "old", "new"]
