"""Data files (default schema, demo project, styles); installed as the package ``annotator_resources``."""
