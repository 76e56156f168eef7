# The trail becomes append-only in the database itself: triggers refuse UPDATE and DELETE (audit.guard,
# the SQL chosen by the database's vendor). First the references lose their constraints and their SET NULL,
# which would UPDATE entries when a user, a matter or a ledger is deleted (and SQLite rebuilds the table
# for that, which would drop triggers made before it).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def install_guard(apps, schema_editor):
    from luoshi.audit import guard

    guard.install(schema_editor.connection)


def remove_guard(apps, schema_editor):
    from luoshi.audit import guard

    guard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_security_events"),
        ("reports", "0003_source_details"),
        ("tasks", "0003_cycle_none"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="操作人",
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="report",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="audit",
                to="reports.workreport",
                verbose_name="报告",
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="task",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="audit",
                to="tasks.task",
                verbose_name="任务",
            ),
        ),
        migrations.RunPython(install_guard, remove_guard),
    ]
