"""Development data for exercise: plausible session histories for the demo patients and for `make bench`."""
