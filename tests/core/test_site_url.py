"""Links in emails point at the port `make run` serves on (PORT), unless SITE_URL says otherwise."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

# What the Celery worker of `make run` does when it builds a reminder's links.
LINK = (
    "import django; django.setup(); from django.urls import reverse; from bonetrack.reminders.delivery import absolute; "
    "print(absolute(reverse('reminders:notification-list')))"
)


def _link_with_env(**env) -> str:
    environment = {key: value for key, value in os.environ.items() if key not in ("SITE_URL", "PORT")}
    environment |= {"DJANGO_SETTINGS_MODULE": "bonetrack.settings", "DJANGO_DEBUG": "true", **env}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", LINK], cwd=BASE_DIR, env=environment, capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout.strip()


def test_email_links_follow_the_port_make_run_serves_on():
    assert _link_with_env(PORT="8101") == "http://127.0.0.1:8101/notifications/"


def test_email_links_use_port_8000_by_default():
    assert _link_with_env() == "http://127.0.0.1:8000/notifications/"


def test_site_url_wins_over_the_port():
    assert _link_with_env(PORT="8101", SITE_URL="https://bonetrack.example.org") == "https://bonetrack.example.org/notifications/"
