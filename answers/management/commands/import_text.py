"""Import written questions from the text of web pages staff have saved.

Much of what the team tracks reaches them as a page (Parallel Parliament, the
old parliament.uk listings) rather than through the API. Saving the page's
text and running this turns it into questions and answers through the same
parser and service as the staff paste form, so a question pasted twice is one
question, updated.

Every file is parsed before anything is written: if any file is not a written
question, the command says which file, which line and what it expected, and
writes nothing at all. ``--dry-run --json`` shows what would be imported.
"""

import json
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from answers import services
from answers.importers.page_text import PageTextError, parse_page_text


class Command(BaseCommand):
    help = (
        "Create or update written questions from saved page text (Parallel Parliament or "
        "parliament.uk). Use - to read standard input. All files are parsed first; if any "
        "is not a written question nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            nargs="+",
            metavar="FILE",
            help="Text file(s) of the page; - for standard input.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse and report, but write nothing."
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print the parsed records as a JSON array on standard output "
            "(the summary then goes to standard error).",
        )
        parser.add_argument(
            "--source-url", default="", help="The address of the page the text came from."
        )
        parser.add_argument(
            "--user", metavar="USERNAME", help="Record the questions as logged by this user."
        )

    def handle(self, *args, files, **options):
        dry_run = options["dry_run"]
        as_json = options["json"]
        logged_by = self._user(options["user"]) if options.get("user") else None
        records = []
        errors = []
        for name in files:
            text = self._read(name)
            try:
                parsed = parse_page_text(text)
            except PageTextError as error:
                errors.append(f"{self._label(name)}: {error}")
                continue
            records.extend(parsed)
        if errors:
            raise CommandError("Not imported; nothing was written.\n" + "\n".join(errors))

        report = self.stderr if as_json else self.stdout
        if as_json:
            self.stdout.write(self._json(records))
        if dry_run:
            report.write(
                f"Dry run: {self._count(records)} parsed from {self._count(files, 'file')}; "
                "nothing written."
            )
            if not as_json and options.get("verbosity", 1) > 0:
                for record in records:
                    answered = f", answered {record.date_answered}" if record.date_answered else ""
                    self.stdout.write(f"  {record.house}: {record.heading}{answered}")
            return

        summary = services.questions_import_pages(
            records=records, user=logged_by, source_url=options.get("source_url") or ""
        )
        report.write(self.style.SUCCESS(f"Imported {self._count(records)}: {summary}."))

    def _read(self, name):
        if name == "-":
            return sys.stdin.read()
        try:
            with open(name, encoding="utf-8-sig") as handle:
                return handle.read()
        except OSError as error:
            raise CommandError(f"{name}: cannot be read ({error.strerror}).") from None
        except UnicodeDecodeError:
            raise CommandError(f"{name}: is not UTF-8 text; save the page text as UTF-8.") from None

    @staticmethod
    def _label(name):
        return "standard input" if name == "-" else name

    @staticmethod
    def _count(values, word="question"):
        return f"{len(values)} {word}{'' if len(values) == 1 else 's'}"

    @staticmethod
    def _json(records):
        # The page's own fields, nothing derived (PageRecord.to_json_dict).
        data = [record.to_json_dict() for record in records]
        return json.dumps(data, indent=2, ensure_ascii=False)

    @staticmethod
    def _user(username):
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"There is no user called {username!r}.") from None
