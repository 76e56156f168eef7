from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm

from luoshi.audit.admin import AuditedAdmin

from .models import ApiToken, Government, Unit, User


@admin.register(Government)
class GovernmentAdmin(admin.ModelAdmin):
    list_display = ["name", "parent"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "kind", "government"]
    list_filter = ["government", "kind"]
    search_fields = ["name", "short_name", "aliases"]


class ResetPasswordForm(AdminPasswordChangeForm):
    """A password set by an administrator is a reset: its owner must change it at the next login."""

    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit=commit)


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    audit_kind = "user"
    list_display = ["username", "last_name", "first_name", "role", "unit", "government", "is_active"]
    list_filter = ["role", "government"]
    fieldsets = [
        *(BaseUserAdmin.fieldsets or ()),
        ("落实", {"fields": ["government", "unit", "role", "must_change_password", "password_changed_at"]}),
    ]
    readonly_fields = ["password_changed_at"]
    change_password_form = ResetPasswordForm

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True  # an account made by the office: its owner sets their own password
        super().save_model(request, obj, form, change)


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    audit_kind = "token_revoke"  # a token is never added or changed here, only deleted
    list_display = ["prefix", "user", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "key_hash", "user", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False  # tokens are issued with `luoshi manage issue_token`, which shows the key once
