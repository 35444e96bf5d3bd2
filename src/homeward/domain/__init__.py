"""homeward.domain."""
