"""Hygiene and exposure checks (CHECKS.md "Hygiene and exposure"): severity-rated findings for monitoring."""
