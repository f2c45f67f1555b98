"""The links source: names under the domain that the home pages of known hosts link to (``<a href>``,
``<link href>``, ``<script src>``, ``<img src>``, ``<form action>``, ``<iframe src>``), one GET per host (no redirects
followed beyond the first hop to the same host; body capped by the HTTP client)."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from domeinwacht.discovery.context import DiscoveryContext, under
from domeinwacht.discovery.found import SourceReport
from domeinwacht.net.http import HttpError

SOURCE = "links"
_ATTRS = {"href", "src", "action"}
MAX_LINKS = 2_000


class _Links(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.hosts: set[str] = set()
        self.count = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in _ATTRS and value and self.count < MAX_LINKS:
                self.count += 1
                host = urlsplit(urljoin(self.base, value.strip())).hostname
                if host:
                    self.hosts.add(host.lower().rstrip("."))


def hosts_in_page(html: str, base: str) -> set[str]:
    parser = _Links(base)
    parser.feed(html)
    parser.close()
    return parser.hosts


async def run(domain: str, ctx: DiscoveryContext, known: tuple[str, ...] = ()) -> SourceReport:
    names: set[str] = set()
    requests = 0
    errors: list[str] = []
    for host in dict.fromkeys((f"www.{domain}", domain, *known)):
        ips = await ctx.addresses(host)
        if not ips:
            continue
        url = f"https://{host}/"
        for _ in range(2):  # the page, and one redirect hop
            requests += 1
            try:
                response = await ctx.http.get(url, ips[0], accept="text/html")
            except HttpError as exc:
                errors.append(str(exc))
                break
            location = dict(response.headers).get("location")
            if 300 <= response.status < 400 and location:
                target = urljoin(url, location)
                names |= {h for h in [urlsplit(target).hostname or ""] if h}
                if (urlsplit(target).hostname or "").lower() != host:
                    break
                url = target
                continue
            names |= hosts_in_page(response.body.decode("utf-8", "replace"), url)
            break
    kept = {n for n in names if under(n, domain) and n != domain}
    error = "; ".join(errors[:3]) if errors and not kept and requests == len(errors) else None
    return SourceReport(SOURCE, frozenset(kept), requests, error)
