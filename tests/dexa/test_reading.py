"""Reading a DEXA report: text PDFs of each synthetic layout, hostile files, the time limit and the parser's rules."""

import base64
import io
import json
import struct
import sys
import time

import pytest
from PIL import Image

from dexa.reading import ReportUnreadable, corpus, read_report
from dexa.reading.lines import Line, Word
from dexa.reading.parsing import parse_lines

from .reading_cases import TEXT_CASES, compare, pdf, report

# Pinned accuracy for text PDFs: every field exact.
TEXT_EXACT = 1.0
HEAD = ["Region", "BMD", "T-score", "Z-score"]


@pytest.mark.parametrize(("layout", "seed"), TEXT_CASES)
def test_each_layout_read_from_its_text_pdf_has_every_field_exact(layout, seed):
    expected = report(layout, seed).expected_fields()
    result = read_report(pdf(layout, seed), "application/pdf")
    assert result["method"] == "text" and result["pages"] == 1 and result["found"] is True
    assert {key: field["value"] for key, field in result["fields"].items()} == expected
    exact, wrong, missing = compare(result, expected)
    assert len(exact) / len(expected) >= TEXT_EXACT and not wrong and not missing
    # Only an undecidable day/month order, or a make the report does not name, is shown as uncertain.
    assert {key for key, field in result["fields"].items() if field["low"]} <= {"scanned_on", "make"}
    json.dumps(result)


def test_the_text_pdfs_cover_every_variant_the_reader_must_handle():
    reports = [report(layout, seed) for layout, seed in TEXT_CASES]
    assert {r.layout for r in reports} == set(corpus.LAYOUTS)
    assert any(r.european for r in reports) and any(not r.european for r in reports)
    assert any(r.other_hip for r in reports)
    assert any("radius_33" not in r.sites for r in reports) and any("lumbar_spine" not in r.sites for r in reports)
    assert {r.make for r in reports} == {"hologic", "ge_lunar", "other"}


def test_decimal_commas_are_read_as_points():
    result = read_report(pdf("hologic", 1), "application/pdf")
    neck = result["fields"]["femoral_neck.bmd"]
    assert report("hologic", 1).european
    assert "," in neck["line"] and neck["value"] == f"{report('hologic', 1).sites['femoral_neck'].bmd:.3f}"
    assert result["fields"]["femoral_neck.t_score"]["value"] == f"{report('hologic', 1).sites['femoral_neck'].t_score:.1f}"


@pytest.mark.parametrize(("layout", "seed", "absent"), [("hologic", 13, "lumbar_spine"), ("lunar", 1, "radius_33")])
def test_sites_the_report_does_not_hold_are_absent(layout, seed, absent):
    assert absent not in report(layout, seed).sites
    result = read_report(pdf(layout, seed), "application/pdf")
    assert not any(key.startswith(f"{absent}.") for key in result["fields"])
    assert "total_hip.bmd" in result["fields"]


def test_a_pdf_that_is_not_a_dexa_report_finds_nothing():
    result = read_report(corpus.letter_pdf(), "application/pdf")
    assert result == {"method": "text", "pages": 1, "found": False, "fields": {}}


def test_values_on_a_later_page_name_their_page():
    result = read_report(corpus.joined_pdf(corpus.letter_pdf(), pdf("hologic", 2)), "application/pdf")
    assert result["method"] == "text" and result["pages"] == 2
    assert {key: field["value"] for key, field in result["fields"].items()} == report("hologic", 2).expected_fields()
    assert {field["page"] for field in result["fields"].values()} == {2}


def test_each_value_carries_its_page_line_and_a_small_crop_of_the_line():
    result = read_report(pdf("lunar", 3), "application/pdf")
    neck = result["fields"]["femoral_neck.bmd"]
    assert neck["page"] == 1 and neck["line"].startswith("Neck ")
    assert neck["confidence"] == 1.0
    for field in result["fields"].values():
        assert len(field["crop"]) <= 30_000
        crop = Image.open(io.BytesIO(base64.b64decode(field["crop"])))
        assert crop.format == "PNG" and crop.width > 3 * crop.height


def test_progress_is_reported_up_to_done():
    calls = []
    read_report(pdf("summary", 1), "application/pdf", progress=lambda percent, stage: calls.append((percent, stage)))
    percents = [percent for percent, _ in calls]
    assert percents == sorted(percents) and percents[-1] == 100 and len(calls) >= 3
    assert all(isinstance(stage, str) and stage for _, stage in calls)


@pytest.mark.parametrize(
    ("data", "content_type", "message"),
    [
        (corpus.decompression_bomb_png, "image/png", "too large"),
        (corpus.many_pages_pdf, "application/pdf", "That PDF has more than 20 pages — is it the right file?"),
        (b"%PDF-1.7\n" + b"\x00garbage" * 200, "application/pdf", "couldn't open that file as a PDF"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "application/pdf", "couldn't open that file as a PDF"),
        (b"\xff\xd8\xff\xe0 not really a JPEG", "image/jpeg", "couldn't open that file as an image"),
        (b"....ftypheic" + b"\x00" * 64, "image/heic", "couldn't open that file as an image"),
        (b"PK\x03\x04 a zip file", "application/zip", "PDF or a photo"),
    ],
    ids=["bomb-png", "1000-pages", "garbage-pdf", "png-claiming-pdf", "garbage-jpeg", "garbage-heic", "zip"],
)
def test_hostile_and_malformed_files_are_refused_with_a_plain_message(data, content_type, message):
    data = data() if callable(data) else data  # the large ones are made when the test runs, not when it is collected
    with pytest.raises(ReportUnreadable, match=message):
        read_report(data, content_type)


def test_the_bomb_is_small_on_disk_and_huge_in_pixels():
    data = corpus.decompression_bomb_png()
    assert len(data) < 500_000
    width, height = struct.unpack(">II", data[16:24])  # the PNG header's size, read without decoding anything
    assert width * height > 1_000_000_000


def test_a_passed_deadline_stops_the_reading():
    with pytest.raises(ReportUnreadable, match="took too long"):
        read_report(pdf("summary", 1), "application/pdf", deadline=time.monotonic() - 1)


def test_the_deadline_is_checked_between_stages(monkeypatch):
    clock = iter([0.0, 0.0, 10.0, 10.0, 10.0, 10.0])
    monkeypatch.setattr("dexa.reading.pipeline.time.monotonic", lambda: next(clock))
    with pytest.raises(ReportUnreadable, match="took too long"):
        read_report(pdf("summary", 1), "application/pdf", deadline=5.0)


def test_tesseract_running_out_of_time_is_a_plain_message(monkeypatch):
    def too_slow(*args, **kwargs):
        raise RuntimeError("Tesseract process timeout")

    monkeypatch.setattr("dexa.reading.ocr.pytesseract.image_to_data", too_slow)
    image = io.BytesIO()
    Image.new("L", (400, 300), 255).save(image, "PNG")
    with pytest.raises(ReportUnreadable, match="took too long"):
        read_report(image.getvalue(), "image/png", deadline=time.monotonic() + 30)


def _line(y: float, *cells: tuple[float, str], page: int = 1) -> Line:
    """A line of cells, each (x, text), with words 9 px per character and 4 px spaces, 14 px tall."""
    words = []
    for x, text in cells:
        for word in text.split():
            words.append(Word(word, x, y, x + 9 * len(word), y + 14))
            x += 9 * len(word) + 4
    return Line(page, words)


def _table(headers: list[str], rows: list[list[str]], *, top: float = 100) -> list[Line]:
    xs = [40 + 160 * i for i in range(len(headers))]
    lines = [_line(top, *zip(xs, headers, strict=True))]
    for n, row in enumerate(rows, start=1):
        lines.append(_line(top + 30 * n, *zip(xs, row, strict=True)))
    return lines


def _values(fields) -> dict[str, str]:
    return {key: field.value for key, field in fields.items()}


def test_columns_are_found_by_their_header_whatever_the_order():
    lines = [_line(10, (40, "Hologic Horizon A")), _line(40, (40, "Left Femur"))]
    lines += _table(
        ["Region", "Age-Matched Z-Score", "AM (%)", "BMD (g/cm²)", "Young-Adult T-Score", "PR (%)"],
        [
            ["Upper Neck", "0.1", "101", "0.900", "-0.4", "96"],
            ["Neck", "-0,9", "88", "0,612", "-2,0", "74"],
            ["Total", "-0.5", "94", "0.760", "-1.5", "80"],
        ],
    )
    values = _values(parse_lines(lines))
    assert values["femoral_neck.bmd"] == "0.612" and values["femoral_neck.t_score"] == "-2.0"
    assert values["femoral_neck.z_score"] == "-0.9" and values["femoral_neck.side"] == "left"
    assert values["total_hip.bmd"] == "0.760" and values["total_hip.t_score"] == "-1.5"


@pytest.mark.parametrize("label", ["L1-L4", "L1–L4", "L1 - L4", "L1—L4"])
def test_the_spine_total_in_each_spelling(label):
    lines = [_line(10, (40, "AP Spine"))]
    lines += _table(["Region", "BMD", "T-score", "Z-score"], [["L4", "0.999", "-0.4", "0.3"], [label, "0.812", "-2.1", "-0.9"]])
    values = _values(parse_lines(lines))
    assert (values["lumbar_spine.bmd"], values["lumbar_spine.t_score"]) == ("0.812", "-2.1")


def test_total_under_a_spine_heading_is_the_spine_and_under_a_hip_heading_the_hip():
    lines = [_line(10, (40, "DXA Results Summary: AP Spine"))]
    lines += _table(["Region", "BMD", "T-score", "Z-score"], [["Total", "0.880", "-1.5", "-0.2"]], top=40)
    lines += [_line(200, (40, "Right Hip"))]
    lines += _table(["Region", "BMD", "T-score", "Z-score"], [["Total", "0.760", "-1.5", "-0.4"]], top=230)
    values = _values(parse_lines(lines))
    assert values["lumbar_spine.bmd"] == "0.880"
    assert (values["total_hip.bmd"], values["total_hip.side"]) == ("0.760", "right")
    assert "lumbar_spine.side" not in values


@pytest.mark.parametrize("label", ["Radius 33%", "1/3 Radius", "33% Radius"])
def test_the_one_third_radius_in_each_spelling(label):
    lines = [_line(10, (40, "Left Forearm"))]
    lines += _table(HEAD, [["Radius UD", "0.400", "-2.6", "-1.0"], [label, "0.560", "-2.5", "-1.2"]])
    values = _values(parse_lines(lines))
    assert (values["radius_33.bmd"], values["radius_33.side"]) == ("0.560", "left")


def test_of_two_femurs_each_site_comes_from_the_one_with_the_lower_t_score():
    lines = [_line(10, (40, "DualFemur")), _line(40, (40, "Left"))]
    lines += _table(HEAD, [["Neck", "0.640", "-1.8", "-0.5"], ["Total", "0.700", "-2.0", "-0.9"]], top=70)
    lines += [_line(200, (40, "Right"))]
    lines += _table(HEAD, [["Neck", "0.600", "-2.1", "-0.8"], ["Total", "0.740", "-1.7", "-0.6"]], top=230)
    values = _values(parse_lines(lines))
    assert (values["femoral_neck.bmd"], values["femoral_neck.side"]) == ("0.600", "right")
    assert (values["total_hip.bmd"], values["total_hip.side"]) == ("0.700", "left")


def test_labelled_paragraphs_with_decimal_commas():
    lines = [
        _line(10, (40, "Scanner: GE Lunar iDXA")),
        _line(40, (40, "Exam Date: 5 Mar 2024")),
        _line(70, (40, "Femoral neck (left): BMD 0,712 g/cm², T-score -2,3, Z-score -1,1")),
    ]
    fields = parse_lines(lines)
    assert _values(fields) == {
        "make": "ge_lunar", "model": "iDXA", "scanned_on": "2024-03-05",
        "femoral_neck.bmd": "0.712", "femoral_neck.t_score": "-2.3", "femoral_neck.z_score": "-1.1", "femoral_neck.side": "left",
    }  # fmt: skip
    assert not any(field.low for field in fields.values())


def test_a_t_score_that_disagrees_with_its_bmd_is_flagged():
    # A lost minus sign: 0.712 g/cm² at the femoral neck is about −1.2 on a Hologic, never +1.2.
    lines = [_line(10, (40, "Hologic Horizon A")), _line(40, (40, "Femoral neck (left): BMD 0.712, T-score 1.2, Z-score 2.0"))]
    fields = parse_lines(lines)
    assert fields["femoral_neck.t_score"].low and fields["femoral_neck.bmd"].low


def test_values_out_of_range_or_mended_are_flagged():
    lines = [_line(10, (40, "Hologic Horizon A")), _line(40, (40, "Lumbar spine: BMD 2.412, T-score -9.5, Z-score -21"))]
    fields = parse_lines(lines)
    assert fields["lumbar_spine.bmd"].low and fields["lumbar_spine.t_score"].low
    assert fields["lumbar_spine.z_score"].value == "-2.1" and fields["lumbar_spine.z_score"].low


def test_a_low_ocr_confidence_is_flagged():
    line = Line(1, [
        Word("Total", 40, 40, 80, 54, 0.95), Word("hip:", 84, 40, 110, 54, 0.95), Word("BMD", 114, 40, 140, 54, 0.95),
        Word("0.812", 144, 40, 190, 54, 0.41), Word("T-score", 200, 40, 250, 54, 0.95), Word("-1.1", 254, 40, 280, 54, 0.93),
    ])  # fmt: skip
    fields = parse_lines([_line(10, (40, "Hologic Horizon A")), line])
    assert fields["total_hip.bmd"].low and fields["total_hip.bmd"].confidence == 0.41
    assert not fields["total_hip.t_score"].low


@pytest.mark.parametrize(
    ("lines", "expected", "low"),
    [
        (["Scan Date: 03/05/2024"], "2024-03-05", True),  # month first is the guess, shown as uncertain
        (["DOB: 11/23/1950", "Scan Date: 03/05/2024"], "2024-03-05", False),  # the birth date shows month first
        (["DOB: 23/11/1950", "Scan Date: 03/05/2024"], "2024-05-03", False),
        (["Measured: 03.05.2024"], "2024-05-03", False),  # dots: day first
        (["Exam Date: 2024-03-05"], "2024-03-05", False),
        (["Measured: March 5, 2024"], "2024-03-05", False),
        (["Scan Date: 13/05/2024"], "2024-05-13", False),
    ],
)
def test_scan_dates_in_the_formats_printed(lines, expected, low):
    rows = [_line(10 + 30 * n, (40, text)) for n, text in enumerate(lines)]
    rows.append(_line(200, (40, "Total hip (left): BMD 0.760, T-score -1.5, Z-score -0.4")))
    fields = parse_lines(rows)
    assert (fields["scanned_on"].value, fields["scanned_on"].low) == (expected, low)


def test_a_date_of_birth_alone_is_not_taken_for_the_scan_date():
    rows = [_line(10, (40, "DOB: 11/23/1950")), _line(40, (40, "Total hip (left): BMD 0.760, T-score -1.5, Z-score -0.4"))]
    assert "scanned_on" not in parse_lines(rows)


def test_rows_that_only_look_like_a_site_are_ignored():
    lines = [_line(10, (40, "Left Femur"))]
    lines += _table(HEAD, [["Upper Neck", "0.900", "-0.4", "0.1"], ["Wards", "0.500", "-3.0", "-1.9"]])
    assert parse_lines(lines) == {}


def test_the_corpus_is_the_same_for_the_same_seed():
    assert corpus.synthetic_report(4, "lunar") == corpus.synthetic_report(4, "lunar")
    assert corpus.synthetic_report(4, "lunar") != corpus.synthetic_report(5, "lunar")
    page = pdf("summary", 1)
    assert corpus.photo_of(page, seed=3) == corpus.photo_of(page, seed=3)


def test_the_bench_counts_exact_fields_and_wrong_ones_shown_as_certain():
    from dexa.devdata.reading_bench import _accuracy

    result = {"fields": {"make": {"value": "hologic", "low": False}, "total_hip.bmd": {"value": "0.700", "low": False},
                         "radius_33.bmd": {"value": "0.500", "low": True}}}  # fmt: skip
    assert _accuracy(result, {"make": "hologic", "total_hip.bmd": "0.760", "scanned_on": "2024-03-05"}) == (1, 3, 1)


def test_a_transparent_screenshot_is_read_on_white_paper():
    from dexa.reading.images import open_image

    image = io.BytesIO()
    Image.new("RGBA", (60, 40), (0, 0, 0, 0)).save(image, "PNG")
    assert open_image(image.getvalue(), "image/png").getextrema() == (255, 255)


def test_heic_without_its_decoder_is_refused_plainly(monkeypatch):
    monkeypatch.setitem(sys.modules, "pillow_heif", None)  # as if pillow-heif were not installed
    with pytest.raises(ReportUnreadable, match="can't read HEIC photos"):
        read_report(b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64, "image/heic")


def test_without_tesseract_a_photo_is_refused_plainly(monkeypatch):
    monkeypatch.setattr("dexa.reading.ocr.shutil.which", lambda name: None)
    image = io.BytesIO()
    Image.new("L", (400, 300), 255).save(image, "PNG")
    with pytest.raises(ReportUnreadable, match="can't read photos or scans"):
        read_report(image.getvalue(), "image/png")
