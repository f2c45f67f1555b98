"""Scanning: plan probes, run them with limits, collect observations (see observe/), evaluate checks."""
