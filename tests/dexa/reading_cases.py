"""The synthetic reports the reading tests use, made once per test process (WeasyPrint takes a moment per PDF)."""

from functools import cache

from dexa.reading import corpus

# Text PDFs: every layout with US and European (decimal comma) variants, DualFemur, no radius, no spine.
TEXT_CASES = [
    ("hologic", 1), ("hologic", 2), ("hologic", 5), ("hologic", 8), ("hologic", 13),
    ("lunar", 1), ("lunar", 2), ("lunar", 3), ("lunar", 19),
    ("summary", 1), ("summary", 2), ("summary", 5), ("summary", 9),
]  # fmt: skip
# Photos: two per layout, in each of the formats a phone or a scanner gives.
PHOTO_CASES = {
    "hologic": [(5, "JPEG"), (10, "PNG")],
    "lunar": [(3, "JPEG"), (19, "HEIF")],
    "summary": [(2, "JPEG"), (9, "JPEG")],
}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "HEIF": "image/heic"}


@cache
def report(layout: str, seed: int) -> corpus.SyntheticReport:
    return corpus.synthetic_report(seed, layout)


@cache
def pdf(layout: str, seed: int) -> bytes:
    return corpus.report_pdf(report(layout, seed))


@cache
def photo(layout: str, seed: int, image_format: str = "JPEG") -> bytes:
    return corpus.photo_of(pdf(layout, seed), seed=seed, image_format=image_format)


def compare(result: dict, expected: dict[str, str]) -> tuple[list[str], list[str], list[str]]:
    """(exact, wrong, missing) keys of a read_report result against the expected fields; a field found that the
    report does not hold counts as wrong."""
    exact, wrong, missing = [], [], []
    for key, value in expected.items():
        found = result["fields"].get(key)
        if found is None:
            missing.append(key)
        else:
            (exact if found["value"] == value else wrong).append(key)
    wrong.extend(key for key in result["fields"] if key not in expected)
    return exact, wrong, missing
