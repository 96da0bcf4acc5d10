"""The environment the test suite gives the settings, as a deployment does (a pytest plugin).

pyproject.toml loads this module with `-p tests.environment`, so it runs before pytest-django imports
bonetrack.settings; conftest.py files are loaded after that, too late for anything the settings read at import.
A value already in the environment wins. What tests change per test (a fast hasher, email kept in memory, static
files without a manifest) is set by the autouse fixtures in tests/conftest.py instead.
"""

import os

TEST_ENVIRONMENT = {
    # DEBUG stays off, as in production, so the settings ask for a key. Any value will do for tests.
    "DJANGO_SECRET_KEY": "tests-only-key-that-signs-nothing-outside-the-test-run",
    # The test client and the live server speak plain HTTP; production's redirect to HTTPS would answer every request.
    "DJANGO_SECURE_SSL_REDIRECT": "false",
}

for name, value in TEST_ENVIRONMENT.items():
    os.environ.setdefault(name, value)
