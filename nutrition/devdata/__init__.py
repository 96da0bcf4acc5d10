"""Development data for nutrition: plausible daily menus for the demo patients and for `make bench`."""
