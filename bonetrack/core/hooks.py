"""Discovery of per-app hook modules (dashboard panels, patient tabs, demo data, bench scenarios).

Each app may ship a module with a well-known name; the project finds it here, so adding a
feature never means editing a central list.
"""

from functools import cache
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.apps import apps


@cache
def app_modules(module_name: str) -> tuple[ModuleType, ...]:
    """Return `<app>.<module_name>` for every installed app that has one, ordered by its ORDER."""
    found = []
    for config in apps.get_app_configs():
        dotted = f"{config.name}.{module_name}"
        if find_spec(dotted) is not None:
            found.append(import_module(dotted))
    return tuple(sorted(found, key=lambda module: getattr(module, "ORDER", 100)))
