"""homeward: brings prisoners of war and detained civilians home."""

__version__ = "0.1.0"
