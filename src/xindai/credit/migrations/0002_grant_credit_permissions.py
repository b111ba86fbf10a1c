"""The credit operations' permissions go to the roles like the built-in ones: 信贷员 (and roles
that confirm repayments) may ask for extensions; 支行行长 and 系统管理员 (roles that reverse
repayments) approve requests, write off loans, waive penalty and transfer portfolios."""

from django.db import migrations


def grant(apps, schema_editor):
    Role = apps.get_model("org", "Role")
    for role in Role.objects.filter(for_external=False):
        perms = set(role.permissions)
        if "repayments.confirm" in perms:
            perms.add("credit.extend")
        if "repayments.reverse" in perms:
            perms |= {"credit.approve", "credit.write_off", "credit.waive", "credit.transfer"}
        if perms != set(role.permissions):
            role.permissions = sorted(perms)
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_approvals_extensions_write_offs"), ("org", "0002_builtin_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
