from django.contrib import admin

from .models import Circular


@admin.register(Circular)
class CircularAdmin(admin.ModelAdmin):
    """Circulars are frozen when created: the admin shows them, it does not change them."""

    list_display = ["number", "title", "period", "as_of", "created_at"]
    readonly_fields = [f.name for f in Circular._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
