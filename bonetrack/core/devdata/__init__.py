"""Development tooling the apps share: `benchmarking.py`, the contract between `make bench` and `<app>/devdata/bench.py`."""
