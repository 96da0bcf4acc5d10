from .library import load_library


def load() -> str:
    """Add any library exercise that is missing (existing ones, and admin edits to them, are kept)."""
    created, present = load_library()
    return f"exercise library: {created} added, {present} already present"
