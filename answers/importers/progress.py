"""A plain-text progress bar for management commands.

Drawn only when the command's stdout is a terminal: in cron mail, CI logs and
tests a line redrawn with carriage returns is noise.
"""


class ProgressBar:
    def __init__(self, stdout, *, label, total=0, width=30):
        self.stdout = stdout
        self.label = label
        self.total = total
        self.width = width
        self.enabled = bool(getattr(stdout, "isatty", lambda: False)())
        self._drawn = False

    def update(self, done, total=None):
        if total is not None:
            self.total = total
        if not self.enabled:
            return
        total = max(self.total, 1)
        filled = min(self.width, self.width * done // total)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stdout.write(f"\r{self.label} [{bar}] {done}/{self.total}", ending="")
        self.stdout.flush()
        self._drawn = True

    def finish(self):
        """End the bar's line so the next message starts on its own."""
        if self._drawn:
            self.stdout.write("")
            self._drawn = False
