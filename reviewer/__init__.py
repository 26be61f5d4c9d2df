"""reviewer: compare, annotate and search privacy policies from the terminal."""

__version__ = "0.1.0"
