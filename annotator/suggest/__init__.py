"""Assisted annotation: suggestions from built-in rules (``rules``), never mixed with labels."""
