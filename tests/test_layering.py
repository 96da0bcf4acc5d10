"""The apps form layers: no import cycle between apps, and each app imports only from the layers below its own.

Every module of every project app is read with `ast`, never imported. Imports inside functions count: a lazy import
is still a dependency. Development tooling is left out (demo seeding and `make bench` reach across apps on purpose),
and so are migrations, which Django orders by their own dependencies.
"""

import ast
import graphlib
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

from django.apps import apps
from django.conf import settings

# Bottom to top: an app may import from the layers below its own, never from its own layer or above.
LAYERS = (
    ("bonetrack.core",),  # time zones, dates, htmx and enqueue helpers, navigation: knows no other app
    ("bonetrack.accounts",),  # User, PatientProfile, Fracture
    ("bonetrack.audit",),  # the access log and its admin base class
    ("bonetrack.undo",),  # the recycle bin: delete_with_undo and restore, called by the apps that own the rows
    ("bonetrack.careteams",),  # who may see whom (patient_view), the access log page
    ("bonetrack.treatment",),  # medication courses and doses; dexa reads them for R5, reminders for dose reminders
    ("bonetrack.reminders",),  # told when a due date moves
    ("dexa", "bonetrack.labs", "nutrition"),  # the patient's data; dexa owns the next scan date
    ("exercise", "bonetrack.risk"),  # exercise reads the latest lowest T-score from dexa; risk reads scans, courses, falls
    # progress: the between-scans report (scans against medication, nutrition, exercise, labs and falls);
    # portability: the FHIR bundle of a patient's data, and DXA results imported from FHIR
    ("bonetrack.progress", "bonetrack.portability"),
    ("bonetrack.patients", "bonetrack.clinic", "bonetrack.dashboard"),  # pages that gather several apps
)
SKIPPED_PACKAGES = frozenset({"migrations", "devdata", "management"})
SKIPPED_MODULES = frozenset({"demo.py", "demo_accounts.py", "bench.py"})


def project_apps() -> dict[str, Path]:
    """The installed apps whose code lives in this repository, by dotted name."""
    base = Path(settings.BASE_DIR).resolve()
    found = {}
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and "site-packages" not in path.parts:
            found[config.name] = path
    return found


def product_modules(app: str, path: Path):
    """(dotted name, file) of every module of the app that is product code."""
    for file in sorted(path.rglob("*.py")):
        relative = file.relative_to(path)
        if SKIPPED_PACKAGES.intersection(relative.parts[:-1]) or file.name in SKIPPED_MODULES:
            continue
        parts = relative.with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join((app, *parts)), file


def imported_modules(module: str, file: Path):
    """(dotted name, line) of everything the module imports, anywhere in it, relative imports made absolute."""
    package = module if file.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"), filename=str(file))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            # `from bonetrack import accounts` imports an app through its parent package.
            for alias in node.names:
                yield f"{source}.{alias.name}", node.lineno
            yield source, node.lineno


def app_of(module: str, app_names) -> str | None:
    matches = [name for name in app_names if module == name or module.startswith(name + ".")]
    return max(matches, key=len, default=None)


def app_dependencies(app_paths: dict[str, Path]) -> dict[tuple[str, str], set[str]]:
    """(importing app, imported app) → the places ("module:line") that import across."""
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for app, path in app_paths.items():
        for module, file in product_modules(app, path):
            for target, line in imported_modules(module, file):
                other = app_of(target, app_paths)
                if other and other != app:
                    edges[app, other].add(f"{module}:{line}")
    return edges


def find_cycle(edges) -> list[str] | None:
    """One cycle of the app graph, as [a, b, ..., a], or None."""
    graph: dict[str, set[str]] = defaultdict(set)
    for importer, imported in edges:
        graph[importer].add(imported)
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        return list(reversed(error.args[1]))
    return None


def describe(cycle: list[str], edges) -> str:
    return "\n".join(f"  {a} -> {b}: {', '.join(sorted(edges[a, b]))}" for a, b in pairwise(cycle))


def test_there_is_no_import_cycle_between_apps():
    edges = app_dependencies(project_apps())
    cycle = find_cycle(edges)
    assert cycle is None, "import cycle between apps:\n" + describe(cycle, edges)


def test_each_app_imports_only_from_the_layers_below_its_own():
    app_paths = project_apps()
    layer_of = {app: index for index, layer in enumerate(LAYERS) for app in layer}
    assert sorted(layer_of) == sorted(app_paths), "every project app has a place in LAYERS"
    upward = sorted(
        f"  {importer} (layer {layer_of[importer]}) -> {imported} (layer {layer_of[imported]}): {', '.join(sorted(places))}"
        for (importer, imported), places in app_dependencies(app_paths).items()
        if layer_of[imported] >= layer_of[importer]
    )
    assert not upward, "imports from the same layer or above:\n" + "\n".join(upward)


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_the_checker_finds_a_cycle_made_of_relative_and_lazy_imports(tmp_path):
    _write(
        tmp_path,
        {
            "proj/__init__.py": "",
            "proj/alpha/__init__.py": "",
            "proj/alpha/models.py": "def f():\n    from ..beta import views\n",  # relative and lazy
            "proj/beta/__init__.py": "",
            "proj/beta/views.py": "import os\n\nfrom proj import alpha\n",
            "proj/gamma/__init__.py": "from .sub import thing\n",
            "proj/gamma/sub.py": "from .. import beta\n",
        },
    )
    app_paths = {name: tmp_path / name.replace(".", "/") for name in ("proj.alpha", "proj.beta", "proj.gamma")}
    edges = app_dependencies(app_paths)
    assert edges == {
        ("proj.alpha", "proj.beta"): {"proj.alpha.models:2"},
        ("proj.beta", "proj.alpha"): {"proj.beta.views:3"},
        ("proj.gamma", "proj.beta"): {"proj.gamma.sub:1"},
    }
    cycle = find_cycle(edges)
    assert cycle is not None and cycle[0] == cycle[-1] and set(cycle) == {"proj.alpha", "proj.beta"}
    assert "proj.alpha -> proj.beta: proj.alpha.models:2" in describe(cycle, edges)

    (tmp_path / "proj/beta/views.py").write_text("import os\n")
    assert find_cycle(app_dependencies(app_paths)) is None


def test_the_checker_leaves_out_migrations_and_development_tooling(tmp_path):
    crossing = "from proj.beta import views\n"
    _write(
        tmp_path,
        {
            "proj/alpha/__init__.py": "",
            "proj/alpha/migrations/0001_initial.py": crossing,
            "proj/alpha/devdata/__init__.py": crossing,
            "proj/alpha/management/commands/seed.py": crossing,
            "proj/alpha/demo.py": crossing,
            "proj/alpha/bench.py": crossing,
            "proj/beta/__init__.py": "",
            "proj/beta/views.py": "from proj.alpha import models\n",
        },
    )
    app_paths = {name: tmp_path / name.replace(".", "/") for name in ("proj.alpha", "proj.beta")}
    assert app_dependencies(app_paths) == {("proj.beta", "proj.alpha"): {"proj.beta.views:1"}}
