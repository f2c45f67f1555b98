"""Continuous monitoring, the pure part: findings over consecutive measurements, their severity, where alerts go.

No I/O and no Django (the layer beside ``scan``): the Django app ``domeinwacht.web.findings`` stores the tracks
this package computes and delivers the messages it words, through an outbox (docs/MONITOR.md).

- ``keys``: the stable dedup key of a finding (subject + check id).
- ``severity``: critical / high / medium / low, from the policy profile plus the critical rules.
- ``lifecycle``: one step of a finding's life per measurement, with flapping suppression.
- ``routing``: who gets the alert (security.txt ``mailto:``, else the registered security contact, else general).
- ``messages``: the Dutch and English texts of an immediate alert and of a change report.
- ``webhook``: HMAC-SHA256 signatures over timestamp and body; ``backoff``: the retry schedule.
"""
