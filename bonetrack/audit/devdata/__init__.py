"""Development data for the record events: the demo patient's changes, and the bench's on the heavy patient."""
