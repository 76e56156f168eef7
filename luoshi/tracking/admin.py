from django.contrib import admin

from luoshi.audit.admin import AuditedAdmin, ReadOnlyAdmin  # escalation and health records are evidence

from .models import Delivery, HealthChange, Reminder, SupervisionOrder, TrackingSettings, Webhook


@admin.register(TrackingSettings)
class TrackingSettingsAdmin(AuditedAdmin):
    audit_kind = "settings"
    list_display = ["report", "yellow_behind", "red_behind", "missing_in_a_row_red", "acknowledge_days"]


@admin.register(Webhook)
class WebhookAdmin(AuditedAdmin):
    audit_kind = "webhook"
    list_display = ["kind", "unit", "government", "url", "active"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["day", "channel", "recipient", "status", "attempts", "next_attempt_at", "last_error"]
    list_filter = ["status", "channel"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["on", "kind", "task", "subject", "due", "key"]
    list_filter = ["kind"]


@admin.register(SupervisionOrder)
class SupervisionOrderAdmin(ReadOnlyAdmin):
    list_display = ["on", "number", "task", "cause"]


@admin.register(HealthChange)
class HealthChangeAdmin(ReadOnlyAdmin):
    list_display = ["on", "task", "old", "new", "cause"]
    list_filter = ["new"]
