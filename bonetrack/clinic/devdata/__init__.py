"""Development data for the clinician workspace: demo notes and two-factor enrolment, and the worklist bench."""
