# Security events share the trail's table: their kind, the client's address, and the actor's name, kept
# so that an entry outlives its user. Existing entries get their actor's name now.

from django.db import migrations, models


def name_the_actors(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    User = apps.get_model("accounts", "User")
    for user in User.objects.filter(pk__in=AuditEntry.objects.values("actor_id")):
        name = f"{user.last_name}{user.first_name}".strip() or user.username
        AuditEntry.objects.filter(actor_id=user.pk).update(actor_name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="actor_name",
            field=models.CharField(blank=True, default="", max_length=150, verbose_name="操作人姓名"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="address",
            field=models.CharField(blank=True, default="", max_length=45, verbose_name="来源地址"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="kind",
            field=models.CharField(blank=True, db_index=True, default="", max_length=20, verbose_name="事件"),
        ),
        migrations.RunPython(name_the_actors, migrations.RunPython.noop),
    ]
