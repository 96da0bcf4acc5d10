"""Signals the clinician workspace sends for other apps to act on."""

from django.dispatch import Signal

# Sent with `patient` and `by` after a clinician sets or clears the patient's scan interval, so that the
# app that owns the scans can recompute `next_scan_due_on`.
scan_interval_changed = Signal()
