"""The shipped relation model (data)."""
