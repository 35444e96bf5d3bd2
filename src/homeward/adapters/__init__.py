"""homeward.adapters."""
