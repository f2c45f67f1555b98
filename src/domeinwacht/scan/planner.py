"""The planner: which targets a measurement has, read as a stream, normalised, deduplicated and cut in batches.

Nothing here does I/O beyond reading the lines it is handed, and nothing holds all targets at once except the set
of names already seen (needed to drop duplicates; a few hundred bytes per name). Which probes a target needs and
which of them are shared (one MX host for 300 domains, one name server, one IP address) is decided where the probe
is made: observers ask ``ScanEnv.shared(key, factory)``, so a shared probe runs once per run however the targets are
ordered (see ``env.ScanEnv`` for how that cache stays bounded).

    for batch in batched(read_domains(open("domains.txt")), 100):
        ...
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TypeVar

from domeinwacht.names import normalise_hostname

T = TypeVar("T")


class InvalidTarget(ValueError):
    """A line of a target list that is not a domain name; says which line and why."""

    def __init__(self, line: int, text: str, reason: str) -> None:
        super().__init__(f"line {line}: {text!r} is not a domain name: {reason}")
        self.line = line
        self.text = text
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Target:
    """One target of a measurement.

    Attributes:
        key: the store's identifier of this target (the database row id); opaque to the scanner.
        domain: the normalised domain name (A-labels, lower case, no trailing dot).
    """

    key: int | str
    domain: str


def normalise_domain(text: str) -> str:
    """``text`` as a canonical host name (``domeinwacht.names``: A-labels, lower case, no trailing dot).

    Raises ``ValueError`` (``names.InvalidName``) with the precise reason otherwise.
    """
    return normalise_hostname(text.strip())


def read_domains(lines: Iterable[str]) -> Iterator[str]:
    """Domain names from a list: one per line, ``#`` starts a comment, blank lines and repeats are skipped.

    A CSV-ish line takes its first field (``amsterdam.nl,gm0363``). Raises ``InvalidTarget`` for a bad line.
    """
    seen: set[str] = set()
    for number, raw in enumerate(lines, start=1):
        text = raw.split("#", 1)[0].split(",", 1)[0].split(";", 1)[0].strip()
        if not text:
            continue
        try:
            name = normalise_domain(text)
        except ValueError as exc:
            raise InvalidTarget(number, text, getattr(exc, "reason", str(exc))) from exc
        if name not in seen:
            seen.add(name)
            yield name


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of at most ``size`` items, consuming ``items`` lazily."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
