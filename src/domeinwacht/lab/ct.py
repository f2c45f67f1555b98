"""A tiny RFC 6962 log: ``/ct/v1/get-sth`` and ``/ct/v1/get-entries`` over the lab CA's certificates.

Run inside the lab namespace as ``python -m domeinwacht.lab.ct ENTRIES.json KEY.pem ADDRESS...``. The tree
is a real RFC 6962 Merkle tree (section 2.1) over MerkleTreeLeaf structures (section 3.4) of x509 entries;
the STH signature is an ECDSA P-256 DigitallySigned over the TreeHeadSignature (section 3.5).
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

MAX_ENTRIES_PER_REQUEST = 256


def merkle_leaf(timestamp_ms: int, cert_der: bytes) -> bytes:
    """MerkleTreeLeaf: version v1, timestamped_entry, x509_entry, no extensions (RFC 6962 3.4)."""
    return struct.pack(">BBQH", 0, 0, timestamp_ms, 0) + len(cert_der).to_bytes(3, "big") + cert_der + b"\x00\x00"


def mth(leaves: list[bytes]) -> bytes:
    """Merkle Tree Hash (RFC 6962 2.1)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


class Log:
    def __init__(self, entries: list[dict[str, Any]], key: ec.EllipticCurvePrivateKey) -> None:
        self.entries = entries
        self.leaves = [merkle_leaf(int(e["timestamp"]), base64.b64decode(e["leaf"])) for e in entries]
        self.root = mth(self.leaves)
        self.timestamp = int(time.time() * 1000)
        tbs = struct.pack(">BBQQ", 0, 1, self.timestamp, len(self.leaves)) + self.root
        sig = key.sign(tbs, ec.ECDSA(hashes.SHA256()))
        # DigitallySigned: hash sha256(4), signature ecdsa(3), opaque<0..2^16-1>
        self.sth_signature = struct.pack(">BBH", 4, 3, len(sig)) + sig

    def sth(self) -> dict[str, Any]:
        return {
            "tree_size": len(self.leaves),
            "timestamp": self.timestamp,
            "sha256_root_hash": base64.b64encode(self.root).decode(),
            "tree_head_signature": base64.b64encode(self.sth_signature).decode(),
        }

    def get_entries(self, start: int, end: int) -> dict[str, Any]:
        end = min(end, len(self.leaves) - 1, start + MAX_ENTRIES_PER_REQUEST - 1)
        out = []
        for i in range(start, end + 1):
            chain = [base64.b64decode(c) for c in self.entries[i]["chain"]]
            blob = b"".join(len(c).to_bytes(3, "big") + c for c in chain)
            extra = len(blob).to_bytes(3, "big") + blob  # X509ChainEntry certificate_chain
            out.append(
                {
                    "leaf_input": base64.b64encode(self.leaves[i]).decode(),
                    "extra_data": base64.b64encode(extra).decode(),
                }
            )
        return {"entries": out}


def make_handler(log: Log) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "dwlab-ct/1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _json(self, code: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            if url.path == "/ct/v1/get-sth":
                self._json(200, log.sth())
                return
            if url.path == "/ct/v1/get-entries":
                q = parse_qs(url.query)
                try:
                    start, end = int(q["start"][0]), int(q["end"][0])
                except (KeyError, ValueError, IndexError):
                    self._json(400, {"error_message": "start and end are required integers"})
                    return
                if start < 0 or end < start or start >= len(log.leaves):
                    self._json(400, {"error_message": "range out of bounds"})
                    return
                self._json(200, log.get_entries(start, end))
                return
            self._json(404, {"error_message": "not found"})

    return Handler


class _V6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


def main(argv: list[str]) -> int:
    entries_file, key_file, *addresses = argv
    entries = json.loads(Path(entries_file).read_text())
    key = serialization.load_pem_private_key(Path(key_file).read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    log = Log(entries, key)
    handler = make_handler(log)
    servers = []
    for address in addresses:
        cls = _V6Server if ":" in address else ThreadingHTTPServer
        servers.append(cls((address, 80), handler))
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
