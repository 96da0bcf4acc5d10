"""Development data for DEXA: the demo patients' scan histories, and ten years of scans for `make bench`."""
