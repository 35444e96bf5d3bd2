"""homeward.reports."""
