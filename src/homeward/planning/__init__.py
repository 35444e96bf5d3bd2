"""homeward.planning."""
