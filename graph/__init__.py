"""sckg: turn news articles into a knowledge graph of state–corporate relationships."""

__version__ = "0.1.0"
