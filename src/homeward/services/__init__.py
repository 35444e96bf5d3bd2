"""homeward.services."""
