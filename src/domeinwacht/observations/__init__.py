"""Observation types: frozen dataclasses of what probes saw, one module per area. Pure data, no I/O."""
