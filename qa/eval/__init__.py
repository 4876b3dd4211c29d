"""Measuring the answer path: datasets, metrics, evaluation and reports."""
