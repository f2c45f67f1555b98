"""The words of an alert, in Dutch (default) and English: an immediate alert and a change report.

Pure: plain text in, ``Text`` (subject + body) out; the Django app puts them in the outbox. The subject of a
change report carries the counts (``3 nieuw, 1 opgelost, 0 teruggekeerd``), as the Internet.nl dashboard's
mails carry ⬆/⬇ counts, so a reader sees the change without opening it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

__all__ = ["LANGUAGES", "ChangeLine", "Text", "alert", "change_report"]

LANGUAGES: Final = ("nl", "en")

_WORDS: Final[dict[str, dict[str, str]]] = {
    "nl": {
        "new": "nieuw",
        "fixed": "opgelost",
        "regressed": "teruggekeerd",
        "explanation_expired": "uitleg verlopen",
        "alert_subject": "[Domeinwacht] {severity}: {check_id} op {subject}",
        "alert_intro": "Domeinwacht vond een {severity} bevinding op {subject} in meting {measurement}.",
        "check": "Controle",
        "found": "Gevonden",
        "remedy": "Oplossing",
        "first_seen": "Eerst gezien",
        "report_subject": "[Domeinwacht] {organisation}: {counts}",
        "report_intro": "Wijzigingen in meting {measurement} ten opzichte van de vorige meting.",
        "footer": "U ontvangt dit bericht als contactpersoon voor beveiliging van {organisation}.",
        "severity": "ernst",
    },
    "en": {
        "new": "new",
        "fixed": "fixed",
        "regressed": "regressed",
        "explanation_expired": "explanation expired",
        "alert_subject": "[Domeinwacht] {severity}: {check_id} on {subject}",
        "alert_intro": "Domeinwacht found a {severity} finding on {subject} in measurement {measurement}.",
        "check": "Check",
        "found": "Found",
        "remedy": "Remedy",
        "first_seen": "First seen",
        "report_subject": "[Domeinwacht] {organisation}: {counts}",
        "report_intro": "Changes in measurement {measurement} since the previous measurement.",
        "footer": "You receive this message as the security contact of {organisation}.",
        "severity": "severity",
    },
}
_SEVERITY: Final[dict[str, dict[str, str]]] = {
    "nl": {"critical": "kritieke", "high": "hoge", "medium": "middelhoge", "low": "lage"},
    "en": {"critical": "critical", "high": "high", "medium": "medium", "low": "low"},
}
REPORT_KINDS: Final = ("new", "fixed", "regressed")


@dataclass(frozen=True, slots=True)
class Text:
    subject: str
    body: str


@dataclass(frozen=True, slots=True)
class ChangeLine:
    """One line of a change report: what happened to which finding."""

    event: str  # new, fixed, regressed, explanation_expired
    subject: str
    check_id: str
    severity: str
    summary: str


def _words(language: str) -> dict[str, str]:
    if language not in _WORDS:
        raise ValueError(f"no texts in language {language!r} (have: {', '.join(LANGUAGES)})")
    return _WORDS[language]


def alert(
    *,
    language: str,
    organisation: str,
    measurement: str,
    subject: str,
    check_id: str,
    severity: str,
    summary: str,
    remedy: str | None,
    first_seen: str,
) -> Text:
    """The immediate alert for one high or critical finding."""
    w = _words(language)
    level = _SEVERITY[language].get(severity, severity)
    lines = [
        w["alert_intro"].format(severity=level, subject=subject, measurement=measurement),
        "",
        f"{w['check']}: {check_id} ({w['severity']}: {severity})",
        f"{w['found']}: {summary}",
    ]
    if remedy:
        lines.append(f"{w['remedy']}: {remedy}")
    lines += [f"{w['first_seen']}: {first_seen}", "", w["footer"].format(organisation=organisation)]
    title = w["alert_subject"].format(severity=severity.upper(), check_id=check_id, subject=subject)
    return Text(title, "\n".join(lines) + "\n")


def counts_phrase(counts: dict[str, int], language: str) -> str:
    """``3 nieuw, 1 opgelost, 0 teruggekeerd`` (always all three, in that order)."""
    w = _words(language)
    return ", ".join(f"{counts.get(kind, 0)} {w[kind]}" for kind in REPORT_KINDS)


def change_report(*, language: str, organisation: str, measurement: str, lines: Sequence[ChangeLine]) -> Text:
    """The change report of one organisation after one measurement; the subject carries the counts."""
    w = _words(language)
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.event] = counts.get(line.event, 0) + 1
    body = [w["report_intro"].format(measurement=measurement), ""]
    for kind in (*REPORT_KINDS, "explanation_expired"):
        chosen = sorted((x for x in lines if x.event == kind), key=lambda x: (x.subject, x.check_id))
        if not chosen:
            continue
        body.append(f"{w[kind]} ({len(chosen)}):")
        body += [f"  - {x.subject} {x.check_id} [{x.severity}]: {x.summary}" for x in chosen]
        body.append("")
    body.append(w["footer"].format(organisation=organisation))
    subject = w["report_subject"].format(organisation=organisation, counts=counts_phrase(counts, language))
    return Text(subject, "\n".join(body) + "\n")
