"""Measurements: runs over many targets, their stored observations, verdicts and scores (immutable once finished)."""
