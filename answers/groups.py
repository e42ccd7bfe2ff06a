"""The two groups PQ Tracker's accounts belong to, and what each may do.

Staff
    Log and edit questions and answers, manage follow-up actions, read and add
    internal notes. No Django admin, no user management.
Admins
    Everything Staff can do, plus deleting records, the Django admin, managing
    user accounts and unlocking accounts that django-axes has locked out.
Drafters
    Policy leads: they see only the questions commissioned to them or waiting
    on a clearance step that names them, accept or reject them, write drafts
    and clear steps (``answers.workflow``). Nothing else of the staff area.

Django only lets a user into its admin when ``is_staff`` is true, whatever
their permissions. Here ``is_staff`` is never ticked by hand: it follows the
rule in :func:`should_be_staff` (a superuser, or a member of Admins), kept
true by the receivers in ``answers.signals``. Taking someone out of Admins
therefore also takes away their admin access, in one step.

The groups are created by migration 0003_staff_groups and brought back in step
after every ``migrate`` (and every test-database flush) by
:func:`sync_groups`, so a permission added for a new model reaches the groups
without another data migration. Syncing only ever adds permissions: whatever
an administrator grants a group by hand is left alone.
"""

STAFF = "Staff"
ADMINS = "Admins"
DRAFTERS = "Drafters"

_WORK_MODELS = ["question", "answer", "followupaction"]
_REFERENCE_MODELS = ["department", "member", "minister"]

STAFF_PERMISSIONS = [
    *(f"answers.{verb}_{model}" for model in _WORK_MODELS for verb in ("add", "change", "view")),
    # Notes are a record of what was said: staff add and read them; only an
    # admin may correct or remove one.
    "answers.add_internalnote",
    "answers.view_internalnote",
    # Logging a question may bring in a new department, member or minister.
    *(
        f"answers.{verb}_{model}"
        for model in _REFERENCE_MODELS
        for verb in ("add", "change", "view")
    ),
    # The answering process: commission, transfer, submit (answers.workflow).
    "answers.manage_process",
    "answers.view_answerprocess",
]

DRAFTER_PERMISSIONS = ["answers.work_on_process"]

ADMIN_PERMISSIONS = [
    *STAFF_PERMISSIONS,
    *(f"answers.delete_{model}" for model in [*_WORK_MODELS, *_REFERENCE_MODELS]),
    "answers.change_internalnote",
    "answers.delete_internalnote",
    # Departments' clearance routes, in the Django admin.
    *(
        f"answers.{verb}_{model}"
        for model in ("clearanceroute", "routestep")
        for verb in ("add", "change", "delete", "view")
    ),
    # Grouped questions named but not held yet (read-only in the admin).
    "answers.view_groupedquestionref",
    # User management.
    "auth.add_user",
    "auth.change_user",
    "auth.delete_user",
    "auth.view_user",
    "auth.view_group",
    # Unlock an account locked after too many wrong passwords.
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
    "axes.view_accesslog",
    "axes.view_accessfailurelog",
]

GROUP_PERMISSIONS = {
    STAFF: STAFF_PERMISSIONS,
    ADMINS: ADMIN_PERMISSIONS,
    DRAFTERS: DRAFTER_PERMISSIONS,
}


def sync_groups(apps=None):
    """Create the groups if missing and add any permission they lack.

    ``apps`` is a migration's historical app registry, or None for the live
    one. Permissions that do not exist yet (an app migrated later) are skipped;
    the next sync adds them.
    """
    if apps is None:
        from django.apps import apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        pairs = {tuple(perm.split(".", 1)) for perm in wanted}
        have = set(group.permissions.values_list("content_type__app_label", "codename"))
        missing = pairs - have
        if not missing:
            continue
        found = [
            perm
            for perm in Permission.objects.filter(
                codename__in={codename for _, codename in missing}
            ).select_related("content_type")
            if (perm.content_type.app_label, perm.codename) in missing
        ]
        group.permissions.add(*found)


def should_be_staff(user):
    """Whether ``user`` may use the Django admin: a superuser or an Admins member."""
    if user.is_superuser:
        return True
    if user.pk is None:
        return False
    return user.groups.filter(name=ADMINS).exists()
