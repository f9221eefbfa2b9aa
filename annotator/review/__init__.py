"""Reviewing teammates' labels: merge their work, compare it, adjudicate it into a gold layer."""
