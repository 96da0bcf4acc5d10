"""Photos and scans made ready for OCR with Pillow: opened safely, lit evenly, contrast stretched and straightened.

page = open_image(data, "image/jpeg")   # ReportUnreadable for a decompression bomb or a file Pillow can't read
page = clean_up(page)                   # grayscale, uneven light divided out, autocontrast
page, angle = straighten(page)          # a projection-profile search over ±8°
"""

import io
import warnings

from PIL import Image, ImageFilter, ImageMath, ImageOps, UnidentifiedImageError

from .errors import ReportUnreadable

# A 48-megapixel phone photo is the largest honest image; Pillow's own guard (89 MP) would let far larger through.
MAX_PIXELS = 50_000_000
# Photos are brought to about 200 dpi across an A4 page (the longer side), which is what Tesseract reads best here.
TARGET_LONG_SIDE = 2400
MAX_SKEW_DEGREES = 8.0


def _heif_opener() -> None:
    try:
        from pillow_heif import register_heif_opener
    except ImportError as error:
        raise ReportUnreadable("This server can't read HEIC photos. Please send the photo as a JPEG or PNG.") from error
    register_heif_opener()


def open_image(data: bytes, content_type: str) -> Image.Image:
    """The image, oriented as taken (EXIF), in grayscale; ReportUnreadable when it is not one or is too large."""
    if content_type == "image/heic":
        _heif_opener()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise ReportUnreadable("That image is too large to read. Please send a smaller photo of the report.")
            if image.format == "JPEG":
                # Decode a large JPEG straight at a half or a quarter of its size: faster, and OCR needs no more.
                image.draft("RGB", (TARGET_LONG_SIDE, TARGET_LONG_SIDE * image.height // max(image.width, 1)))
            image.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise ReportUnreadable("That image is too large to read. Please send a smaller photo of the report.") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ReportUnreadable("We couldn't open that file as an image. It may be damaged.") from error
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        # A screenshot with a transparent background: put it on white paper, not on black.
        image = image.convert("RGBA")
        paper = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(paper, image)
    return image.convert("L")


def scale_for_ocr(image: Image.Image) -> Image.Image:
    longest = max(image.size)
    if longest <= TARGET_LONG_SIDE:
        return image
    ratio = TARGET_LONG_SIDE / longest
    return image.resize((round(image.width * ratio), round(image.height * ratio)), Image.Resampling.LANCZOS)


def even_light(image: Image.Image) -> Image.Image:
    """Divide by the paper's own brightness: a heavily blurred copy with the ink taken out (a max filter first)."""
    small = image.reduce(8).filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.GaussianBlur(6))
    background = small.resize(image.size, Image.Resampling.BILINEAR)
    divided = ImageMath.lambda_eval(
        lambda env: env["convert"](env["min"](env["image"] * 255 / env["max"](env["background"], 1), 255), "L"),
        image=image,
        background=background,
    )
    return divided


def clean_up(image: Image.Image) -> Image.Image:
    return ImageOps.autocontrast(even_light(image), cutoff=(1, 0))


def _profile_score(ink: Image.Image, angle: float) -> float:
    """How sharply the rows of the rotated image separate into text lines and gaps (the variance of row sums)."""
    rotated = ink.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=0)
    values = rotated.resize((1, rotated.height), Image.Resampling.BOX).tobytes()  # each row's mean, one byte per row
    mean = sum(values) / len(values)
    return sum((v - mean) ** 2 for v in values)


def skew_angle(image: Image.Image) -> float:
    """The rotation (degrees) that makes the text lines horizontal: whole degrees over ±8°, then tenths around the
    best, on a copy a fifth of the size (text lines stay apart; 30 small rotations take a fraction of a second)."""
    ink = ImageOps.invert(image)
    ink = ink.resize((max(1, ink.width // 5), max(1, ink.height // 5)), Image.Resampling.BOX)
    ink = ink.point(lambda v: 255 if v > 100 else 0)

    def best(angles):
        return max(angles, key=lambda a: _profile_score(ink, a))

    limit = int(MAX_SKEW_DEGREES)
    coarse = best(range(-limit, limit + 1))
    return best([coarse + a / 10 for a in range(-5, 6)])


def straighten(image: Image.Image) -> tuple[Image.Image, float]:
    angle = skew_angle(image)
    if abs(angle) < 0.05:
        return image, 0.0
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255), angle
