"""The multi-row writes of accounts: a government's unit catalog, in one transaction, audited here."""

from __future__ import annotations

from django.db import transaction

from luoshi.audit import trail

from .models import Government, Unit


@transaction.atomic
def import_units(government: Government, actor, units) -> dict:
    """Create or update a government's catalog from engine ``Unit`` records, matched by short name.
    A unit of kind government is linked to (or creates) the subordinate Government it stands for."""
    created = updated = 0
    for u in units:
        existing = Unit.objects.filter(government=government, short_name=u.short_name).first()
        values = {"name": u.name[:100], "kind": u.kind[:20], "aliases": ";".join(u.aliases)[:300]}
        if u.kind == "government":
            sub, _ = Government.objects.get_or_create(name=u.name[:100], defaults={"parent": government})
            values["represents"] = sub
        if existing is None:
            unit = Unit.objects.create(government=government, short_name=u.short_name[:60], **values)
            trail.record(actor, model="Unit", object_id=unit.pk, field="created", new=unit.name)
            created += 1
            continue
        changed = trail.set_fields(actor, existing, values, model="Unit")
        if changed:
            existing.save()
            updated += 1
    return {"created": created, "updated": updated, "total": government.units.count()}
