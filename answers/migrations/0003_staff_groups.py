"""Create the Staff and Admins groups with their permissions.

Permissions are normally created after all migrations have run; a data
migration that runs on a fresh database has to create them first. The group
definitions live in answers.groups, whose sync also runs after every migrate,
so permissions of apps migrated after this one are added then.
"""

from django.db import migrations


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    from answers.groups import sync_groups

    for app_config in apps.get_app_configs():
        # Historical app configs have no models module; create_permissions
        # skips such apps unless told otherwise.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_groups(apps)


def remove_groups(apps, schema_editor):
    from answers.groups import GROUP_PERMISSIONS

    apps.get_model("auth", "Group").objects.filter(name__in=GROUP_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("answers", "0002_trigram_extension"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
