"""homeward.matching."""
