"""RPKI checks (CHECKS.md "RPKI"): ROA coverage and route origin validity of the tested addresses.

One implementation per rule, registered twice: ``web.rpki.*`` on area ``web_rpki`` (every IP of the web hosts)
and ``mail.rpki.*`` on area ``mail_rpki`` (every MX address and the domain's name servers).
"""
