"""homeward.scenario."""
