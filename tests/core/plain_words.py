"""The visible text of a page, as a patient reads it: no <details>, <script>, <style> or attributes."""

import re
from html.parser import HTMLParser

# Rule codes, guideline acronyms and units that only the care team reads (DOMAIN.md R1–R16).
FORBIDDEN = re.compile(r"\bR(?:1[0-6]|[1-9])b?\b|\bAACE\b|\bBHOF\b|\bNIH\b|\bODS\b|\bLSC\b|g/cm²|g/cm2|\bBMD\b|\bIOF\b|\bNOF\b")
HIDDEN = frozenset({"details", "script", "style", "template"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


class _MainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag in HIDDEN:
            self.depth += 1

    def handle_endtag(self, tag) -> None:
        if tag in HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data) -> None:
        if not self.depth:
            self.parts.append(data)


def main_text(html: str) -> str:
    """The text outside <details>, <script>, <style> and <template> elements, attributes left out."""
    parser = _MainText()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def forbidden_terms(html: str) -> list[str]:
    """Each rule code, acronym or unit in the main text, with a little context."""
    text = main_text(html)
    return [text[max(m.start() - 60, 0) : m.end() + 40] for m in FORBIDDEN.finditer(text)]
