"""TLS checks (CHECKS.md "TLS"), shared by web (``web.tls.*``, area ``web_tls``, port 443 of every address) and
mail (``mail.tls.*``, area ``mail_tls``, port 25 after STARTTLS of every MX address), judged per NCSC profile
(``checks/tls/ncsc_tls``). One rule per module; ``_common.register`` registers each rule under both ids.
"""
