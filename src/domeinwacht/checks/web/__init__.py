"""Web checks (CHECKS.md "Web"): one module per standard, each a pure function of the web observation.

Every check judges every address of every web host (the domain and www.domain, those that resolve) and names
host, IP and port in its evidence. The shared walking and aggregation is in ``_common``.
"""
