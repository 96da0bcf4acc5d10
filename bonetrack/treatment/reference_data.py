from .catalogue import load_catalogue


def load() -> str:
    """Add any catalogue drug or regimen that is missing (existing ones, and admin edits to them, are kept)."""
    created, present = load_catalogue()
    return f"drug catalogue: {created} added, {present} already present"
