from django.db import migrations


def content_type_follow(apps, schema_editor, *, old: str, new: str) -> None:
    """The model's content type moves with it, so its permissions keep their rows."""
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label=old, model="idempotencykey").update(app_label=new)


class Migration(migrations.Migration):
    """The idempotency key now belongs to ``plumbing``; only the state leaves, the table stays."""

    dependencies = [
        ("imigrasi", "0001_initial"),
        ("plumbing", "0001_idempotency_key_moved_here"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="IdempotencyKey")]),
        migrations.RunPython(
            lambda apps, schema_editor: content_type_follow(apps, schema_editor, old="imigrasi", new="plumbing"),
            lambda apps, schema_editor: content_type_follow(apps, schema_editor, old="plumbing", new="imigrasi"),
        ),
    ]
