"""Mail checks (shared/standards/CHECKS.md, section Mail): one module per standard, pure functions."""
