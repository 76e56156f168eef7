# The trail is chained (audit.chain): every entry gets its number and chain value, the existing ones in
# the order they were written, with the append-only guard lifted for the backfill and put back after.

from django.db import migrations, models


def chain_the_trail(apps, schema_editor):
    from luoshi.audit import chain, guard

    AuditEntry = apps.get_model("audit", "AuditEntry")
    connection = schema_editor.connection
    guard.remove(connection)
    previous = ""
    for seq, row in enumerate(AuditEntry.objects.order_by("at", "id").values("id", *chain.FIELDS[1:]), start=1):
        row["seq"] = seq
        previous = chain.link(previous, row)
        AuditEntry.objects.filter(pk=row["id"]).update(seq=seq, chain=previous)
    guard.install(connection)


def unchain_the_trail(apps, schema_editor):
    from luoshi.audit import guard

    guard.remove(schema_editor.connection)
    apps.get_model("audit", "AuditEntry").objects.update(seq=None, chain="")
    guard.install(schema_editor.connection)


def reinstall_guard(apps, schema_editor):
    from luoshi.audit import guard

    guard.install(schema_editor.connection)  # SQLite rebuilt the table when the columns went


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_append_only"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, reinstall_guard),
        migrations.AddField(
            model_name="auditentry",
            name="chain",
            field=models.CharField(blank=True, default="", editable=False, max_length=64, verbose_name="链值"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="seq",
            field=models.BigIntegerField(editable=False, null=True, unique=True, verbose_name="序号"),
        ),
        migrations.RunPython(chain_the_trail, unchain_the_trail),
    ]
