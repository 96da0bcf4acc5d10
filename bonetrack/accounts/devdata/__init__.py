"""Development data for accounts: the demo people every demo hangs off, and the people of `make bench`."""
