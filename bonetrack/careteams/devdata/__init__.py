"""Development data for care teams: the patient-list pages and access checks timed by `make bench`."""
