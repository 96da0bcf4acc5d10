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
