"""The desktop app: PySide6 views over the core's operations and queries (see ARCHITECTURE.md)."""
