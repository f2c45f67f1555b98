"""Certificate checks (CHECKS.md "Certificates"): ``web.cert.*`` (area ``web_tls``) and ``mail.cert.*`` (area
``mail_tls``), on the chain each endpoint sent (every certificate except a self-signed root). Mail:
``cert.trust`` and ``cert.hostname`` are informational (RFC 7672: without DANE an SMTP client does not
authenticate the server).
"""
