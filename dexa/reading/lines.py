"""Words with their boxes, gathered into lines and cells the same way for a PDF's text layer and for OCR."""

from dataclasses import dataclass, field
from statistics import median


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float  # top, in the page image's pixels
    x1: float
    y1: float
    confidence: float = 1.0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def y_center(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class Line:
    page: int  # 1-based
    words: list[Word] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (
            min(w.x0 for w in self.words),
            min(w.y0 for w in self.words),
            max(w.x1 for w in self.words),
            max(w.y1 for w in self.words),
        )

    def cells(self) -> list["Line"]:
        """The line split where the gap between two words is wider than 0.7 of a word's height (a table's columns)."""
        height = median(w.height for w in self.words)
        cells = [Line(self.page, [self.words[0]])]
        for before, word in zip(self.words, self.words[1:], strict=False):
            if word.x0 - before.x1 > 0.7 * height:
                cells.append(Line(self.page, []))
            cells[-1].words.append(word)
        return cells

    @property
    def x_center(self) -> float:
        x0, _, x1, _ = self.box
        return (x0 + x1) / 2

    @property
    def confidence(self) -> float:
        return min(w.confidence for w in self.words)


def group_lines(words: list[Word], page: int) -> list[Line]:
    """Words into lines, top to bottom: a word joins a line when its middle is within half a word's height of the line's."""
    words = [w for w in words if w.text.strip()]
    if not words:
        return []
    typical = median(w.height for w in words)
    lines: list[tuple[float, Line]] = []
    for word in sorted(words, key=lambda w: w.y_center):
        if lines and abs(word.y_center - lines[-1][0]) <= typical * 0.5:
            center, line = lines[-1]
            line.words.append(word)
            lines[-1] = ((center * (len(line.words) - 1) + word.y_center) / len(line.words), line)
        else:
            lines.append((word.y_center, Line(page, [word])))
    for _, line in lines:
        line.words.sort(key=lambda w: w.x0)
    return [line for _, line in lines]
