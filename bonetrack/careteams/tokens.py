"""Invitation links: a random token goes in the emailed link; only its SHA-256 is stored.

A leaked database therefore holds no usable link, and a link is looked up by its hash (an indexed equality on a
digest the visitor cannot choose), so the lookup's timing says nothing about stored tokens.
"""

import datetime as dt
import hashlib
import secrets

INVITATION_VALID_FOR = dt.timedelta(days=7)
TOKEN_BYTES = 32


def new_token() -> tuple[str, str]:
    """A fresh token for a link and the hash to store."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
