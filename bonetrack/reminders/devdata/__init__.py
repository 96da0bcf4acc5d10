"""Development data for reminders: demo channels and due reminders, and the 100,000-patient sweep bench."""
