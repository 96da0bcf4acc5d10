"""Discovery of development modules: each app's `devdata/` package, the project's apps only, product code apart."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

from bonetrack.core.hooks import app_modules, is_project_app

PROJECT_PACKAGES = {"bonetrack", "dexa", "nutrition", "exercise"}
# Development entry points outside the devdata packages that may import them.
TOOLING = ("management/commands/", "bonetrack/devrun.py")


def _names(module_name: str) -> list[str]:
    return [module.__name__ for module in app_modules(module_name)]


def test_demo_modules_come_from_each_apps_devdata_package_in_order():
    modules = app_modules("devdata.demo")
    assert [module.__name__ for module in modules] == [
        "dexa.devdata.demo",
        "bonetrack.treatment.devdata.demo",
        "bonetrack.risk.devdata.demo",
        "nutrition.devdata.demo",
        "bonetrack.labs.devdata.demo",
        "exercise.devdata.demo",
        "bonetrack.reminders.devdata.demo",
        "bonetrack.clinic.devdata.demo",
        "bonetrack.audit.devdata.demo",
    ]
    orders = [module.ORDER for module in modules]
    assert orders == sorted(orders)
    assert all(callable(module.seed) for module in modules)


def test_bench_modules_start_with_the_people_and_each_offers_part_of_the_contract():
    modules = app_modules("devdata.bench")
    assert modules[0].__name__ == "bonetrack.accounts.devdata.bench"
    assert set(_names("devdata.bench")) == {
        "bonetrack.accounts.devdata.bench",
        "bonetrack.careteams.devdata.bench",
        "bonetrack.audit.devdata.bench",
        "dexa.devdata.bench",
        "nutrition.devdata.bench",
        "exercise.devdata.bench",
        "bonetrack.reminders.devdata.bench",
        "bonetrack.clinic.devdata.bench",
        "bonetrack.treatment.devdata.bench",
        "bonetrack.risk.devdata.bench",
        "bonetrack.progress.devdata.bench",
        "bonetrack.portability.devdata.bench",
    }
    for module in modules:
        assert any(hasattr(module, name) for name in ("seed", "pages", "measure")), module.__name__
    # DEXA's also reads synthetic reports (text PDFs and photos): time per report and field accuracy.
    dexa_bench = next(module for module in modules if module.__name__ == "dexa.devdata.bench")
    assert callable(dexa_bench.measure)


def test_reference_data_is_found_where_the_product_keeps_it():
    assert _names("reference_data") == [
        "bonetrack.treatment.reference_data",
        "nutrition.reference_data",
        "exercise.reference_data",
    ]


def test_apps_without_the_module_or_its_package_are_skipped():
    assert app_modules("devdata.no_such_module") == ()
    assert app_modules("no_such_package.demo") == ()


def test_third_party_apps_are_never_searched():
    # allauth.account, axes and django_celery_beat all have a `models` module; only the project's are returned.
    names = _names("models")
    assert "dexa.models" in names and "bonetrack.accounts.models" in names
    assert {name.partition(".")[0] for name in names} == PROJECT_PACKAGES
    assert not is_project_app(apps.get_app_config("account"))
    assert not is_project_app(apps.get_app_config("admin"))
    assert is_project_app(apps.get_app_config("dexa"))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the file's own package
                package = path.relative_to(settings.BASE_DIR).parent.parts
                base = ".".join([*package[: len(package) - node.level + 1], *filter(None, [base])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def test_product_code_never_imports_development_data():
    base = Path(settings.BASE_DIR)
    offenders = []
    for package in sorted(PROJECT_PACKAGES):
        for path in sorted((base / package).rglob("*.py")):
            relative = path.relative_to(base).as_posix()
            if "/devdata/" in relative or "/migrations/" in relative or any(part in relative for part in TOOLING):
                continue
            if any(".devdata" in name for name in _imports(path)):
                offenders.append(relative)
    assert offenders == []


def test_the_import_check_sees_a_devdata_import(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    (tmp_path / "dexa").mkdir()
    module = tmp_path / "dexa" / "views.py"
    module.write_text("from .devdata.demo import seed\nimport exercise.devdata.bench\n")
    assert {"dexa.devdata.demo", "exercise.devdata.bench"} <= _imports(module)
