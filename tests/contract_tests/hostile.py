"""A hostile HTTP server on loopback, written on raw sockets: it answers the suite's log-in like InvenTree, then
misbehaves on every API operation in one chosen way (a body that trickles forever, a redirect loop,
bytes that are not HTTP, a connection reset). No ASGI server can be made to do these, hence the sockets.
"""

from __future__ import annotations

import json
import socket
import socketserver
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager

TOKEN = "inv-" + "ab" * 20 + "-20260101"
# How long one trickling answer goes on at most, so that the server stops by itself whatever the client does.
TRICKLE_LIMIT_S = 60.0
TRICKLE_EVERY_S = 0.05
LOGIN = {
    "/api/": {"server": "InvenTree", "version": "hostile", "apiVersion": 303},
    "/api/user/token/": {"token": TOKEN, "name": "inventree-contract-kit", "expiry": None},
    "/api/user/me/": {"pk": 1, "username": "admin", "is_staff": True},
}
BEHAVIOURS = ("trickle-body", "redirect-loop", "garbage", "reset", "garbage-everywhere")


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.settimeout(5)
        while not self.server.stopping.is_set():
            try:
                path = _read_request(sock)
            except OSError:
                return
            if path is None:
                return
            self.server.paths.append(path)
            if not self._answer(sock, path):
                return

    def _answer(self, sock: socket.socket, path: str) -> bool:
        """Answer one request; False when the connection is finished with."""
        behaviour = self.server.behaviour
        route = path.split("?", 1)[0]
        if route in LOGIN and behaviour != "garbage-everywhere":
            _send(sock, 200, json.dumps(LOGIN[route]).encode())
            return True
        if not route.startswith("/api/") and behaviour != "garbage-everywhere":
            # Schemathesis' capability probes ask the root; they go out before any hook (see contract_tests.deadline).
            _send(sock, 404, b'{"detail": "Not found."}')
            return True
        if behaviour in ("garbage", "garbage-everywhere"):
            sock.sendall(b"\x00\xff\x13garbage, not HTTP at all\r\n\r\n\x00")
            sock.close()
        elif behaviour == "reset":
            # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        elif behaviour == "redirect-loop":
            sock.sendall(f"HTTP/1.1 302 Found\r\nLocation: {path}\r\nContent-Length: 0\r\n\r\n".encode())
            return True
        elif behaviour == "trickle-body":
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[")
            self._trickle(sock, b" ")
        return False

    def _trickle(self, sock: socket.socket, piece: bytes) -> None:
        """Send `piece` every TRICKLE_EVERY_S until the client goes, the server stops, or the limit passes."""
        ticks = int(TRICKLE_LIMIT_S / TRICKLE_EVERY_S)
        for _ in range(ticks):
            if self.server.stopping.wait(TRICKLE_EVERY_S):
                break
            try:
                sock.sendall(piece)
            except OSError:
                break
        sock.close()


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, behaviour: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.behaviour = behaviour
        self.stopping = threading.Event()
        self.paths: list[str] = []


def _read_request(sock: socket.socket) -> str | None:
    """Read one request (head and body); its path, or None when the client closed."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next((int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:")), 0)
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        body += chunk
    return lines[0].split(" ")[1]


def _send(sock: socket.socket, status: int, body: bytes) -> None:
    head = f"HTTP/1.1 {status} {'OK' if status < 400 else 'Not Found'}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    sock.sendall(head.encode() + body)


@contextmanager
def hostile(behaviour: str) -> Iterator[tuple[str, list[str]]]:
    """Serve `behaviour` on a free loopback port; yields the base URL and the list of paths asked for."""
    assert behaviour in BEHAVIOURS, behaviour
    server = _Server(behaviour)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.paths
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
