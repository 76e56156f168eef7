"""The unit catalog upload, and the choosers of a government's units and leaders every app's forms use."""

from __future__ import annotations

from django import forms

from .models import Unit, User


class UnitCatalogForm(forms.Form):
    upload = forms.FileField(label="单位目录 (.csv 或 .xlsx, 列: name, short_name, kind, aliases)")


def units_of(government_id):
    return Unit.objects.filter(government_id=government_id).order_by("kind", "id")


def leaders_of(government_id):
    return User.objects.filter(government_id=government_id, role=User.LEADER, is_active=True).order_by("username")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


# The lowest app's forms hold the one widget every app's date fields share.
class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
