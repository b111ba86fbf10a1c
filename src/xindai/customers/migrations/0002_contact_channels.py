from django.db import migrations

CHANNELS = ["电话沟通", "上门拜访", "客户到访", "短信", "微信", "其他"]


def create_channels(apps, schema_editor):
    ContactChannel = apps.get_model("customers", "ContactChannel")
    for order, name in enumerate(CHANNELS):
        ContactChannel.objects.get_or_create(name=name, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]
    operations = [migrations.RunPython(create_channels, migrations.RunPython.noop)]
