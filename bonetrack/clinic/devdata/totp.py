"""TOTP codes (RFC 6238: 30-second steps, SHA-1, 6 digits), without Django, so that a shell can print one.

python -m bonetrack.clinic.devdata.totp  # the current code for the demo clinician and admin (development only)
"""

import base64
import hashlib
import hmac
import struct
import time

# Development only: seed_demo enrols the demo clinician and admin with this published secret (see README).
DEMO_TOTP_SECRET = "BONETRACKDEMOTOTPSECRETDEVONLY23"  # noqa: S105


def totp_code(secret: str, at: float | None = None) -> str:
    """The 6-digit code an authenticator app shows for a base32 secret at time `at` (now by default)."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{value:06d}"


if __name__ == "__main__":
    print(totp_code(DEMO_TOTP_SECRET))
