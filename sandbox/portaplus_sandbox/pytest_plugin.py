"""pytest plugin: registers the `sandbox` fixtures (filled in by testing.py)."""
