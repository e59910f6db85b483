"""planboard: run a data team's quarterly planning event from the terminal."""

__version__ = "0.1.0"
