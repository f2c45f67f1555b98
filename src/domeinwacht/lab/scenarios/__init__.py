"""Packaged lab scenarios (YAML); see default.yaml and docs/LAB.md."""
