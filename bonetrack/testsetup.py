"""`make test` runs this first: the browser tests need Debian's Chromium at /usr/bin/chromium.

As root it installs the `chromium` package (Playwright cannot download its own browser here);
otherwise it says what to run and lets the rest of the suite go ahead.
"""

import os
import shutil
import subprocess
import sys

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def chromium_present() -> bool:
    return bool(shutil.which(CHROMIUM))


def install_chromium() -> bool:
    """Install Debian's chromium with apt-get; True when it is there afterwards."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]):
        print("+", " ".join(command), flush=True)
        result = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, check=False)  # noqa: S603
        if result.returncode != 0:
            print(f"`{' '.join(command)}` failed with exit code {result.returncode}.", file=sys.stderr)
            return False
    return chromium_present()


def main() -> int:
    if chromium_present():
        return 0
    if not shutil.which("apt-get"):
        print(f"Chromium is missing at {CHROMIUM} and apt-get is not available: install Chromium and set CHROMIUM_PATH.")
        return 1
    if os.geteuid() != 0:
        print(
            f"Chromium is missing at {CHROMIUM}. The browser tests need it; install it with:\n"
            "    sudo apt-get update && sudo apt-get install -y chromium\n"
            "or point CHROMIUM_PATH at another Chromium, or skip them with PYTEST_ARGS='-m \"not browser\"'.\n"
            "The rest of the suite runs now; the browser tests will fail until Chromium is there."
        )
        return 0
    print(f"Chromium is missing at {CHROMIUM}; installing Debian's chromium package.", flush=True)
    return 0 if install_chromium() else 1


if __name__ == "__main__":
    sys.exit(main())
