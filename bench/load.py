"""The load generator: cheap enough to share two cores with gunicorn and PostgreSQL.

One process, one thread per client, each sending raw HTTP/1.1 over a socket of its own and reading
the answer by ``Content-Length`` (or chunks): no HTTP library's parsing on the measured path. The
connection is kept while the server keeps it (gunicorn's sync workers close it after each answer,
so a client connects again, as a browser behind a balancer would not; the baseline pays the same).
Each request's latency is measured from its first byte sent to its last byte read.
"""

import itertools
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

HOST = "127.0.0.1"
# Every request is made as the TLS-terminating balancer hands it on (SECURE_PROXY_SSL_HEADER).
FORWARDED = "X-Forwarded-Proto: https\r\n"

# The i-th request's bytes (i counts from 0 over all clients of one run).
Source = Callable[[int], bytes]
# Called with (status, body) of every answer, from the client's thread.
Sink = Callable[[int, bytes], None]


def request(method: str, path: str, *, headers: dict[str, str] | None = None, body: object = None) -> bytes:
    """The bytes of one request; ``body`` is sent as JSON."""
    data = b"" if body is None else json.dumps(body).encode()
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", "Accept: application/json"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
    return ("\r\n".join(lines) + "\r\n" + FORWARDED + "\r\n").encode() + data


class Connection:
    """One keep-alive socket to the server, opened again whenever the server closed it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.buffer = b""

    def call(self, data: bytes) -> tuple[int, bytes]:
        if self.sock is None:
            self.sock = socket.create_connection((HOST, self.port), timeout=60)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.buffer = b""
        try:
            self.sock.sendall(data)
            return self._read()
        except OSError:
            self.close()
            raise

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None

    def _fill(self) -> None:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed by the server")
        self.buffer += chunk

    def _take(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._fill()
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def _line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            self._fill()
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def _read(self) -> tuple[int, bytes]:
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip().lower()
        if b"content-length" in headers:
            body = self._take(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding") == b"chunked":
            parts = []
            while size := int(self._line().split(b";")[0], 16):
                parts.append(self._take(size))
                self._take(2)
            self._line()
            body = b"".join(parts)
        else:  # read to the end
            while True:
                try:
                    self._fill()
                except ConnectionError:
                    break
            body, self.buffer = self.buffer, b""
            self.close()
        if headers.get(b"connection") == b"close" and self.sock is not None:
            self.close()
        return status, body


@dataclass
class Sample:
    """Latencies (seconds) of the answers that succeeded, the errors, and the seconds spent."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    first_error: str = ""

    def add(self, other: "Sample") -> None:
        self.latencies += other.latencies
        self.errors += other.errors
        self.seconds += other.seconds
        self.first_error = self.first_error or other.first_error

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    def percentile(self, p: float) -> float:
        """The ``p``-th percentile in milliseconds (nearest rank)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] * 1000

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def run(
    source: Source,
    *,
    port: int,
    clients: int,
    seconds: float,
    ok: tuple[int, ...] = (200,),
    sink: Sink | None = None,
    limit: int | None = None,
) -> Sample:
    """``clients`` threads sending ``source``'s requests for ``seconds`` (or ``limit`` requests in all)."""
    counter = itertools.count()
    lock = threading.Lock()
    total = Sample()
    deadline = time.perf_counter() + seconds

    def client() -> None:
        mine = Sample()
        connection = Connection(port)
        while time.perf_counter() < deadline:
            index = next(counter)
            if limit is not None and index >= limit:
                break
            data = source(index)
            started = time.perf_counter()
            try:
                status, body = connection.call(data)
            except OSError as error:
                mine.errors += 1
                mine.first_error = mine.first_error or f"{type(error).__name__}: {error}"
                continue
            elapsed = time.perf_counter() - started
            if status in ok:
                mine.latencies.append(elapsed)
            else:
                mine.errors += 1
                mine.first_error = mine.first_error or f"HTTP {status}: {body[:200]!r}"
            if sink is not None:
                sink(status, body)
        connection.close()
        with lock:
            total.latencies += mine.latencies
            total.errors += mine.errors
            total.first_error = total.first_error or mine.first_error

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total.seconds = time.perf_counter() - started
    return total


def once(data: bytes, *, port: int) -> tuple[int, bytes]:
    """One request on a fresh connection: logins, checks and set-up."""
    connection = Connection(port)
    try:
        return connection.call(data)
    finally:
        connection.close()
