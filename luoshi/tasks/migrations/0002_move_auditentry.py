# The audit trail now lives in the audit app (audit.0001); only the model's state leaves tasks,
# the table ``tasks_auditentry`` and its rows stay where they are. Its content type moves with it,
# so permissions already granted on audit entries keep pointing at the same row.

from django.db import migrations


def move_content_type(apps, schema_editor, old="tasks", new="audit"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label=new, model="auditentry").exists():
        ContentType.objects.using(db).filter(app_label=old, model="auditentry").update(app_label=new)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, old="audit", new="tasks")


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0001_initial"),
        ("audit", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEntry")],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
