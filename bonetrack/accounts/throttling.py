"""How django-axes names the account behind a sign-in attempt."""


def axes_username(request, credentials: dict | None = None) -> str | None:
    """The email address being tried, lower-cased so that changing its case does not dodge a lockout.

    allauth authenticates with `email=...`, while the login form posts `login`; axes sees either.
    """
    for source in (credentials or {}, getattr(request, "POST", {}) or {}):
        for key in ("email", "login", "username"):
            value = source.get(key)
            if value:
                return str(value).strip().lower()
    return None
