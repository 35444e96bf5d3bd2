"""homeward.ledger."""
