from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AnswersConfig(AppConfig):
    name = "answers"
    verbose_name = "Written questions"

    def ready(self):
        from . import lookups, signals, summary  # noqa: F401 - lookups registers __any
        from .search import sqlite  # noqa: F401 - registers the FTS triggers' SQL functions

        summary.connect()

        # Sent for this app after auth's and axes's permissions exist (answers
        # comes after them in INSTALLED_APPS), so the groups get every one.
        post_migrate.connect(
            signals.groups_after_migrate, sender=self, dispatch_uid="answers_sync_groups"
        )
