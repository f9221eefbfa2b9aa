"""annotator core: projects, documents, spans and relations in a database, without Qt."""

__version__ = "0.1.0"
