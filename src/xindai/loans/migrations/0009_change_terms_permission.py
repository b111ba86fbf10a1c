"""Changing a loan's contract terms is a permission of its own (loans.change_terms), given to the
roles that may already reverse repayments (the built-in 支行行长 and 系统管理员, and roles like them)."""

from django.db import migrations


def grant(apps, schema_editor):
    Role = apps.get_model("org", "Role")
    for role in Role.objects.all():
        if "repayments.reverse" in role.permissions and "loans.change_terms" not in role.permissions:
            role.permissions = sorted({*role.permissions, "loans.change_terms"})
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("loans", "0008_plan_columns_required"), ("org", "0002_builtin_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
