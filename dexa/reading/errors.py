"""The one error a report reader raises, with a message a patient can act on."""


class ReportUnreadable(Exception):
    """The file cannot be read as a report: malformed, too many pages, too large an image, or too slow to read."""

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else "We couldn't read that file."
