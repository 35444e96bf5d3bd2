"""``python -m homeward.cli``."""

from homeward.cli.main import main

main()
