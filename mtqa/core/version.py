"""The package version: one definition, read by `pyproject.toml` and every report header."""

__version__ = "0.1.0"
