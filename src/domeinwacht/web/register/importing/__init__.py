"""Importers for the register: organisations (YAML tree) and domain lists (CSV, XLSX)."""

from domeinwacht.web.register.importing.report import ImportError_, RowResult, RowStatus

__all__ = ["ImportError_", "RowResult", "RowStatus"]
