"""A packet delayer for `lab up --rtt-ms N` on kernels without sch_netem: NFQUEUE, in Python.

iptables rules in the lab namespace send every packet crossing the veth (both directions) to queue QUEUE;
this process holds each one for ``delay_ms`` (half the asked RTT) and then accepts it, in order. The queue is
fail-open (a full queue, or this process gone, lets packets through undelayed rather than dropping them).

libnetfilter_queue is bound with ctypes rather than through the `netfilterqueue` PyPI package: that package
is a Cython extension that must be compiled against libnetfilter-queue-dev on every machine, while ctypes
needs only the shared library Debian already ships (libnetfilter-queue1) and no build step or new dependency.

Run inside the namespace: ``python -m domeinwacht.lab.delay DELAY_MS``.
"""

from __future__ import annotations

import collections
import ctypes
import ctypes.util
import select
import signal
import socket
import sys
import time
from types import FrameType

QUEUE = 7
NF_ACCEPT = 1
NFQNL_COPY_META = 1
NFQA_CFG_F_FAIL_OPEN = 1
AF_INET, AF_INET6 = 2, 10


class _PacketHdr(ctypes.Structure):
    _fields_ = [("packet_id", ctypes.c_uint32), ("hw_protocol", ctypes.c_uint16), ("hook", ctypes.c_uint8)]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)


def _lib() -> ctypes.CDLL:
    name = ctypes.util.find_library("netfilter_queue") or "libnetfilter_queue.so.1"
    lib = ctypes.CDLL(name, use_errno=True)
    lib.nfq_open.restype = ctypes.c_void_p
    lib.nfq_create_queue.restype = ctypes.c_void_p
    lib.nfq_create_queue.argtypes = [ctypes.c_void_p, ctypes.c_uint16, _CALLBACK, ctypes.c_void_p]
    lib.nfq_get_msg_packet_hdr.restype = ctypes.POINTER(_PacketHdr)
    lib.nfq_get_msg_packet_hdr.argtypes = [ctypes.c_void_p]
    lib.nfq_set_verdict.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_uint32, ctypes.c_uint32, ctypes.c_void_p]
    lib.nfq_set_mode.argtypes = [ctypes.c_void_p, ctypes.c_uint8, ctypes.c_uint32]
    lib.nfq_set_queue_maxlen.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
    lib.nfq_set_queue_flags.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_uint32]
    lib.nfq_fd.argtypes = [ctypes.c_void_p]
    lib.nfq_handle_packet.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    lib.nfq_bind_pf.argtypes = [ctypes.c_void_p, ctypes.c_uint16]
    lib.nfq_unbind_pf.argtypes = [ctypes.c_void_p, ctypes.c_uint16]
    lib.nfq_destroy_queue.argtypes = [ctypes.c_void_p]
    lib.nfq_close.argtypes = [ctypes.c_void_p]
    return lib


class Delayer:
    def __init__(self, delay_ms: float, queue: int = QUEUE) -> None:
        self.delay = delay_ms / 1000.0
        self.lib = _lib()
        self.pending: collections.deque[tuple[float, int]] = collections.deque()
        self.handle = self.lib.nfq_open()
        if not self.handle:
            raise OSError(ctypes.get_errno(), "nfq_open failed (root and nfnetlink_queue needed)")
        for pf in (AF_INET, AF_INET6):
            self.lib.nfq_unbind_pf(self.handle, pf)
            self.lib.nfq_bind_pf(self.handle, pf)
        self._cb = _CALLBACK(self._on_packet)  # keep a reference: C holds only the pointer
        self.queue = self.lib.nfq_create_queue(self.handle, queue, self._cb, None)
        if not self.queue:
            raise OSError(ctypes.get_errno(), f"nfq_create_queue({queue}) failed")
        self.lib.nfq_set_mode(self.queue, NFQNL_COPY_META, 0)
        self.lib.nfq_set_queue_maxlen(self.queue, 8192)
        self.lib.nfq_set_queue_flags(self.queue, NFQA_CFG_F_FAIL_OPEN, NFQA_CFG_F_FAIL_OPEN)
        self.fd = self.lib.nfq_fd(self.handle)
        self.sock = socket.socket(fileno=self.fd)
        self.sock.setblocking(False)
        self.running = True

    def _on_packet(self, _qh: int, _nfmsg: int, nfad: int, _data: int) -> int:
        hdr = self.lib.nfq_get_msg_packet_hdr(nfad)
        if hdr:
            self.pending.append((time.monotonic() + self.delay, socket.ntohl(hdr.contents.packet_id)))
        return 0

    def _release(self) -> None:
        now = time.monotonic()
        while self.pending and self.pending[0][0] <= now:
            _due, packet_id = self.pending.popleft()
            self.lib.nfq_set_verdict(self.queue, packet_id, NF_ACCEPT, 0, None)

    def run(self) -> None:
        buf = ctypes.create_string_buffer(65536)
        while self.running:
            timeout = max(0.0, self.pending[0][0] - time.monotonic()) if self.pending else 0.5
            readable, _, _ = select.select([self.sock], [], [], timeout)
            if readable:
                while True:
                    try:
                        n = self.sock.recv_into(buf)
                    except (BlockingIOError, InterruptedError):
                        break
                    except OSError:  # ENOBUFS: the kernel dropped messages; fail-open covers it
                        break
                    self.lib.nfq_handle_packet(self.handle, buf, n)
            self._release()
        while self.pending:
            self.lib.nfq_set_verdict(self.queue, self.pending.popleft()[1], NF_ACCEPT, 0, None)

    def stop(self, _signum: int = 0, _frame: FrameType | None = None) -> None:
        self.running = False


def main(argv: list[str]) -> int:
    delay_ms = float(argv[0]) if argv else 0.0
    d = Delayer(delay_ms)
    signal.signal(signal.SIGTERM, d.stop)
    signal.signal(signal.SIGINT, d.stop)
    print(f"delaying each packet by {delay_ms} ms on queue {QUEUE}", flush=True)
    d.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
