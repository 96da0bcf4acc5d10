"""The Pango check `make run` and `make test` start with: nothing is run when the libraries are there."""

import subprocess

from bonetrack.core import system_packages


def _never_run(*args, **kwargs):
    raise AssertionError(f"ran {args}")


def test_nothing_is_installed_when_pango_is_present(monkeypatch, capsys):
    monkeypatch.setattr(system_packages.ctypes.util, "find_library", lambda name: f"lib{name}.so.0")
    monkeypatch.setattr(subprocess, "run", _never_run)
    assert system_packages.ensure_pango() == 0
    assert capsys.readouterr().out == ""


def test_without_root_it_says_what_to_install_and_lets_the_rest_go_on(monkeypatch, capsys):
    monkeypatch.setattr(system_packages.ctypes.util, "find_library", lambda name: None)
    monkeypatch.setattr(system_packages.shutil, "which", lambda name: "/usr/bin/apt-get")
    monkeypatch.setattr(system_packages.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(subprocess, "run", _never_run)
    assert system_packages.ensure_pango() == 0
    out = capsys.readouterr().out
    assert "Pango is missing (pango-1.0, pangoft2-1.0)" in out
    assert "sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core" in out


def test_as_root_it_installs_the_debian_packages(monkeypatch):
    installed = []
    monkeypatch.setattr(system_packages.ctypes.util, "find_library", lambda name: "found" if installed else None)
    monkeypatch.setattr(system_packages.shutil, "which", lambda name: "/usr/bin/apt-get")
    monkeypatch.setattr(system_packages.os, "geteuid", lambda: 0)

    def run(command, **kwargs):
        installed.append(command)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(subprocess, "run", run)
    assert system_packages.ensure_pango() == 0
    assert installed == [
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "--no-install-recommends", "libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core"],
    ]


def test_nothing_is_installed_when_tesseract_is_present(monkeypatch, capsys):
    monkeypatch.setattr(system_packages.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(subprocess, "run", _never_run)
    assert system_packages.ensure_tesseract() == 0
    assert capsys.readouterr().out == ""


def test_without_root_it_says_how_to_install_tesseract(monkeypatch, capsys):
    monkeypatch.setattr(system_packages.shutil, "which", lambda name: "/usr/bin/apt-get" if name == "apt-get" else None)
    monkeypatch.setattr(system_packages.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(subprocess, "run", _never_run)
    assert system_packages.ensure_tesseract() == 0
    out = capsys.readouterr().out
    assert "Tesseract is missing" in out
    assert "sudo apt-get install -y tesseract-ocr tesseract-ocr-eng" in out


def test_as_root_it_installs_tesseract_and_its_english_data(monkeypatch):
    installed = []

    def which(name):
        return "/usr/bin/apt-get" if name == "apt-get" or installed else None

    monkeypatch.setattr(system_packages.shutil, "which", which)
    monkeypatch.setattr(system_packages.os, "geteuid", lambda: 0)

    def run(command, **kwargs):
        installed.append(command)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(subprocess, "run", run)
    assert system_packages.ensure_tesseract() == 0
    assert installed == [
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "--no-install-recommends", "tesseract-ocr", "tesseract-ocr-eng"],
    ]


def test_a_failed_install_as_root_fails_the_setup(monkeypatch):
    monkeypatch.setattr(system_packages.shutil, "which", lambda name: "/usr/bin/apt-get" if name == "apt-get" else None)
    monkeypatch.setattr(system_packages.os, "geteuid", lambda: 0)
    monkeypatch.setattr(subprocess, "run", lambda command, **kwargs: subprocess.CompletedProcess(command, 100))
    assert system_packages.ensure_tesseract() == 1


def test_the_setup_step_checks_both(monkeypatch):
    checked = []
    monkeypatch.setattr(system_packages, "ensure_pango", lambda: checked.append("pango") or 0)
    monkeypatch.setattr(system_packages, "ensure_tesseract", lambda: checked.append("tesseract") or 1)
    assert system_packages.ensure_all() == 1
    assert checked == ["pango", "tesseract"]
