"""Reading photos and scans of the synthetic reports with Tesseract (a few seconds each: marked `ocr`)."""

import base64
import io

import pytest
from PIL import Image

from dexa.reading import corpus, images, read_report

from .reading_cases import CONTENT_TYPES, PHOTO_CASES, compare, pdf, photo, report

pytestmark = pytest.mark.ocr

# Pinned accuracy for photos and scans: the share of fields read exactly, per layout (measured: 1.00 for each).
PHOTO_EXACT_MIN = 0.95


def _check(results: list[tuple[dict, dict]]) -> float:
    """The share of exact fields; fails when a wrong field is not flagged as uncertain."""
    exact_count = total = 0
    for result, expected in results:
        exact, wrong, missing = compare(result, expected)
        unflagged = [key for key in wrong if not result["fields"][key]["low"]]
        assert unflagged == [], f"read wrongly and shown as certain: {[(k, result['fields'][k]['value']) for k in unflagged]}"
        exact_count += len(exact)
        total += len(exact) + len(wrong) + len(missing)
    return exact_count / total


@pytest.mark.parametrize("layout", sorted(PHOTO_CASES))
def test_photos_of_each_layout_are_read_and_every_wrong_field_is_flagged(layout):
    results = []
    for seed, image_format in PHOTO_CASES[layout]:
        result = read_report(photo(layout, seed, image_format), CONTENT_TYPES[image_format])
        assert result["method"] == "ocr" and result["found"] is True
        results.append((result, report(layout, seed).expected_fields()))
    assert _check(results) >= PHOTO_EXACT_MIN


def test_a_scanned_page_without_a_text_layer_is_read_by_ocr_after_a_typed_cover_letter():
    both = corpus.joined_pdf(corpus.letter_pdf(), corpus.scanned_pdf(photo("lunar", 8)))
    result = read_report(both, "application/pdf")
    assert result["method"] == "ocr" and result["pages"] == 2
    assert _check([(result, report("lunar", 8).expected_fields())]) >= PHOTO_EXACT_MIN
    neck = result["fields"]["femoral_neck.bmd"]
    assert neck["page"] == 2
    crop = Image.open(io.BytesIO(base64.b64decode(neck["crop"])))
    assert crop.width > 3 * crop.height and len(neck["crop"]) <= 30_000


@pytest.mark.parametrize("angle", [-4.5, 2.5])
def test_a_tilted_page_is_straightened(angle):
    page = corpus.page_image(pdf("summary", 1), dpi=100).convert("L")
    tilted = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    assert images.skew_angle(tilted) == pytest.approx(-angle, abs=0.3)
