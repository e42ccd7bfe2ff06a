"""Keep ``is_staff`` in step with Admins membership (see ``answers.groups``).

``is_staff`` is what lets a user into the Django admin. It is derived, never
ticked by hand: a superuser or a member of the Admins group has it, nobody
else does. Two moments can change the answer: saving the user (the superuser
flag) and changing their groups, from either side of the relation.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, pre_save
from django.dispatch import receiver

from .groups import ADMINS, should_be_staff, sync_groups

User = get_user_model()


@receiver(pre_save, sender=User, dispatch_uid="answers_user_is_staff")
def user_is_staff_follows_admins(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    # Logging in saves last_login alone: no need to look at groups then.
    if update_fields is not None and not {"is_staff", "is_superuser"} & set(update_fields):
        return
    instance.is_staff = should_be_staff(instance)


def _resync(user_ids):
    for user in User.objects.filter(pk__in=user_ids):
        wanted = should_be_staff(user)
        if user.is_staff != wanted:
            # update() rather than save(): no other field is touched and the
            # pre_save receiver has nothing more to decide.
            User.objects.filter(pk=user.pk).update(is_staff=wanted)


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="answers_groups_is_staff")
def groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse:
        # group.user_set.add(...): only the Admins group matters.
        if instance.name != ADMINS:
            return
        if action == "pre_clear":
            instance._answers_clearing = list(instance.user_set.values_list("pk", flat=True))
        elif action in ("post_add", "post_remove"):
            _resync(pk_set)
        elif action == "post_clear":
            _resync(getattr(instance, "_answers_clearing", []))
        return
    if action in ("post_add", "post_remove", "post_clear"):
        wanted = should_be_staff(instance)
        if instance.is_staff != wanted:
            instance.is_staff = wanted
            User.objects.filter(pk=instance.pk).update(is_staff=wanted)


def groups_after_migrate(sender, apps=None, **kwargs):
    """After every migrate (and test-database flush): the groups exist and are complete."""
    sync_groups(apps)
