"""Discovery of per-app development modules: demo data (`demo`), bench scenarios (`bench`) and reference data.

These are tooling, run by management commands, so each app ships its own and no central list is kept. The
product's own contributions (patient tabs, dashboard panels, worklist and timeline sources) are listed
explicitly where they are used: bonetrack/core/navigation.py, bonetrack/dashboard/registry.py and
bonetrack/clinic/workspace.py.
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
