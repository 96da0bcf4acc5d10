"""`make run` and `make test` run this first: the visit summary's PDF (WeasyPrint) needs the Pango libraries, and
reading a photographed or scanned DEXA report needs Tesseract.

Debian ships them as `libpango-1.0-0` and `libpangoft2-1.0-0` (with their fonts), and `tesseract-ocr` with
`tesseract-ocr-eng`. As root it installs them with apt-get when they are missing; otherwise it says what to run and
lets the rest go ahead: only the PDF download and the reading of photos need them, the site itself starts without.
"""

import ctypes.util
import os
import shutil
import subprocess
import sys

# The shared libraries WeasyPrint opens, and the Debian packages that carry them.
PANGO_LIBRARIES = ("pango-1.0", "pangoft2-1.0")
PANGO_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core")
# The OCR program the DEXA report reader runs, and its English language data.
TESSERACT_PACKAGES = ("tesseract-ocr", "tesseract-ocr-eng")


def missing_libraries(libraries=PANGO_LIBRARIES) -> list[str]:
    return [name for name in libraries if ctypes.util.find_library(name) is None]


def apt_install(packages) -> bool:
    """Install Debian packages with apt-get; True when both steps succeeded."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", *packages]):
        print("+", " ".join(command), flush=True)
        result = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, check=False)  # noqa: S603
        if result.returncode != 0:
            print(f"`{' '.join(command)}` failed with exit code {result.returncode}.", file=sys.stderr)
            return False
    return True


def _ensure(what: str, missing: list[str] | bool, packages, needed_for: str, present) -> int:
    """Install `packages` when something of `what` is missing (idempotent: nothing is run when it is all there);
    1 only when an install as root failed. `missing`: the missing parts to name, or True; `present()` checks again."""
    if not missing:
        return 0
    label = f"{what} is missing" + (f" ({', '.join(missing)})" if isinstance(missing, list) else "")
    advice = f"sudo apt-get update && sudo apt-get install -y {' '.join(packages)}"
    if not shutil.which("apt-get"):
        print(f"{label}: {needed_for}. Install {what} for your system.")
        return 0
    if os.geteuid() != 0:
        print(f"{label}: {needed_for}. Install it with:\n    {advice}")
        return 0
    print(f"{label}; installing {' '.join(packages)}.", flush=True)
    return 0 if apt_install(packages) and present() else 1


def ensure_pango() -> int:
    """Make sure Pango is there; 1 only when an install as root failed."""
    return _ensure(
        "Pango", missing_libraries(), PANGO_PACKAGES, "the visit summary PDF needs it", lambda: not missing_libraries()
    )


def ensure_tesseract() -> int:
    """Make sure Tesseract is there; 1 only when an install as root failed."""
    return _ensure(
        "Tesseract",
        not shutil.which("tesseract"),
        TESSERACT_PACKAGES,
        "reading photos and scans of DEXA reports needs it",
        lambda: bool(shutil.which("tesseract")),
    )


def ensure_all() -> int:
    """Pango, then Tesseract; 1 when either install as root failed."""
    return max(ensure_pango(), ensure_tesseract())


if __name__ == "__main__":
    sys.exit(ensure_all())
