"""Checks: pure functions from observations to results, one module per standard (see registry.py)."""

from domeinwacht.checks.registry import CheckContext, check, evaluate, registered
from domeinwacht.checks.result import CheckResult, Status

__all__ = ["CheckContext", "CheckResult", "Status", "check", "evaluate", "registered"]
