"""homeward.web."""
