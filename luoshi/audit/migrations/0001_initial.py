# The audit trail moves from the tasks app to its own app without touching the table: the state of
# the model is created here and deleted from tasks (tasks.0002), the table ``tasks_auditentry`` stays.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("reports", "0001_initial"),
        ("tasks", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("at", models.DateTimeField(db_index=True, verbose_name="时间")),
                        ("model", models.CharField(max_length=40, verbose_name="对象类型")),
                        ("object_id", models.CharField(max_length=40, verbose_name="对象编号")),
                        ("field", models.CharField(max_length=60, verbose_name="字段")),
                        ("old", models.TextField(blank=True, verbose_name="原值")),
                        ("new", models.TextField(blank=True, verbose_name="新值")),
                        (
                            "actor",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="操作人",
                            ),
                        ),
                        (
                            "report",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="audit",
                                to="reports.workreport",
                                verbose_name="报告",
                            ),
                        ),
                        (
                            "task",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="audit",
                                to="tasks.task",
                                verbose_name="任务",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "审计记录",
                        "verbose_name_plural": "审计记录",
                        "ordering": ["-at", "-id"],
                        "db_table": "tasks_auditentry",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
