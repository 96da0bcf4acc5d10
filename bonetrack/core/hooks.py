"""Discovery of the per-app modules that management commands run and nothing in the product reads.

    app_modules("devdata.demo")    # <app>/devdata/demo.py: seed(demo) for `manage.py seed_demo`
    app_modules("devdata.bench")   # <app>/devdata/bench.py: seed/pages/measure for `make bench`
    app_modules("reference_data")  # <app>/reference_data.py: load() for `manage.py load_reference_data`

Each app ships its own, so no central list is kept. Only the project's own apps are searched: a module of a
third-party app is never imported because its name matches. The product's own contributions (patient tabs,
dashboard panels, worklist and timeline sources) are listed explicitly where they are used:
bonetrack/core/navigation.py, bonetrack/dashboard/registry.py and bonetrack/clinic/workspace.py.
"""

from functools import cache
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from types import ModuleType

from django.apps import AppConfig, apps
from django.conf import settings


def is_project_app(config: AppConfig) -> bool:
    """True for an app whose code is in this repository (its top-level package is a folder of BASE_DIR)."""
    top_level = Path(settings.BASE_DIR).resolve() / config.name.partition(".")[0]
    return Path(config.path).resolve().is_relative_to(top_level)


def _module_exists(dotted: str) -> bool:
    # find_spec("a.b.c") imports "a.b" first and fails if it is missing, so ask one level at a time.
    parts = dotted.split(".")
    return all(find_spec(".".join(parts[: depth + 1])) is not None for depth in range(len(parts)))


@cache
def app_modules(module_name: str) -> tuple[ModuleType, ...]:
    """Return `<app>.<module_name>` for every project app that has one, ordered by its ORDER (then INSTALLED_APPS)."""
    found = [
        import_module(f"{config.name}.{module_name}")
        for config in apps.get_app_configs()
        if is_project_app(config) and _module_exists(f"{config.name}.{module_name}")
    ]
    return tuple(sorted(found, key=lambda module: getattr(module, "ORDER", 100)))
