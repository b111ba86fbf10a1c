"""The roles a bank starts with. Their permissions can be changed in the app afterwards."""

from django.db import migrations

from xindai.org.builtin_roles import ensure_builtin_roles


def create_roles(apps, schema_editor):
    ensure_builtin_roles(apps.get_model("org", "Role"))


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
