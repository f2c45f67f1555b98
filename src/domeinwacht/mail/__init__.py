"""Mail record parsers and evaluators (SPF, DMARC, DKIM, MTA-STS, TLS-RPT)."""
