"""Import files saved from the Parliament Written Questions API.

Staff and the mySociety dataset keep API responses as files; loading them
needs no network and gives the same result as fetching the same questions
live (``fetch_written_questions`` writes through the same code).

Each file is one transaction, validated in full before anything is written:
a file with one bad item is refused whole, with a message naming the file,
the item and the field, and the other files are still imported. Running a
file again changes nothing.
"""

from django.core.management.base import BaseCommand, CommandError

from answers.importers.api_items import ApiDataError, read_api_file
from answers.importers.api_writer import import_questions
from answers.importers.bulk import cyclic_gc_paused
from answers.importers.members import complete_after_import
from answers.importers.progress import ProgressBar


def _plural(count, word):
    return f"{count} {word}{'' if count == 1 else 's'}"


class Command(BaseCommand):
    help = (
        "Create or update questions and answers from JSON files saved from the Parliament "
        "Written Questions API (a bare array of items, a list page, or a single item). "
        "Each file is imported whole or not at all."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="JSON file(s) to import.")
        parser.add_argument(
            "--no-members",
            action="store_true",
            help="Do not ask the Parliament Members API for the names of members the files "
            "give only by id (run sync_members later).",
        )

    def handle(self, *args, files, verbosity=1, no_members=False, **options):
        created = updated = unchanged = 0
        refused = []
        for path in files:
            # One pause of the cycle collector for reading and writing a file.
            with cyclic_gc_paused():
                try:
                    items = read_api_file(path)
                except ApiDataError as error:
                    # Reported once at the end, after the files that are fine.
                    refused.append(str(error))
                    continue
                bar = ProgressBar(self.stdout, label=str(path), total=len(items))
                summary = import_questions(items, progress=bar.update)
                bar.finish()
            created += summary.created
            updated += summary.updated
            unchanged += summary.unchanged
            if verbosity > 1 or len(files) > 1:
                self.stdout.write(f"{path}: {summary}")

        imported = len(files) - len(refused)
        line = (
            f"Imported {_plural(imported, 'file')}: {created} created, {updated} updated, "
            f"{unchanged} unchanged."
        )
        self.stdout.write(line if refused else self.style.SUCCESS(line))
        if imported:
            complete_after_import(self, enabled=not no_members)
        if refused:
            raise CommandError(
                f"{_plural(len(refused), 'file')} refused (nothing written from "
                f"{'it' if len(refused) == 1 else 'them'}):\n" + "\n".join(refused)
            )
