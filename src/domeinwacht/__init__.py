"""Domeinwacht: know, find, measure and track the security of government internet domains."""

__version__ = "0.1.0"
