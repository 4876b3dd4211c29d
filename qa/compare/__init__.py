"""The compare grid: every topic x policy, a quote or "not stated"."""
