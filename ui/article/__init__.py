"""The article pane: the text with its spans, the header above it and the find bar below."""
