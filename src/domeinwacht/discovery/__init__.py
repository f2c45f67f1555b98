"""Discovery: the hosts the register misses (shared/DESIGN.md "discovery").

One module per source, each bounded (timeouts, caps) and each consulting the address guard before it opens a
socket; ``run.discover()`` runs them for one registered domain, resolves what they found, drops what a wildcard
would answer for any name, and returns a ``Discovery``:

- ``axfr``     — a zone transfer from every authoritative name server (most refuse; the ones that do not leak
                 the whole zone);
- ``nsec``     — NSEC walking, or for NSEC3 zones hash collection and offline matching against the wordlist;
- ``wordlist`` — a curated list of labels (``data/wordlist.tsv``, each with its origin), with wildcard detection
                 (``wildcard``);
- ``ct``       — RFC 6962 Certificate Transparency logs (get-sth, get-entries; incremental from a stored size);
- ``records``  — targets of MX, NS, SRV and SPF records, and CNAME targets, that fall under the domain;
- ``sans``     — the subjectAltNames of the certificates of known hosts;
- ``links``    — links to names under the domain in the home pages of known hosts.

Discovery sits beside ``scan`` in the layers: it uses ``net`` clients and ``names``, never Django.
"""
