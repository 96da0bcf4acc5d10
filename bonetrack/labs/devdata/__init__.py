"""Development data for laboratory results: the demo patient's results."""
