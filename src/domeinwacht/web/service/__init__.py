"""The service itself: hardening (headers, CSP, security.txt, secret key, throttling, private database file) and
operations (health, metrics, backup/restore). Each concept in its own module."""
