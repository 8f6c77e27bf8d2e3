"""``paperkg fetch`` against a misbehaving API server on 127.0.0.1: bounded time and memory, located errors.

A real HTTP server (``http.server`` in a thread) plays each misbehaviour; the client's real ``urlopen``
talks to it (the opener only points every request at the local server), so sockets, timeouts and
chunked bodies are the real ones.
"""

from __future__ import annotations

import json
import threading
import time
import tracemalloc
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from loaders.errors import FetchError
from loaders.fetch import HttpClient, fetch_to_file


class Misbehaving(BaseHTTPRequestHandler):
    """Answers by path: /drip, /endless, /huge-declared, /empty-list, /bad-total, /flaky."""

    flaky_left = 0

    def log_message(self, *args: Any) -> None:  # keep pytest output clean
        return None

    def do_GET(self) -> None:
        route = self.path.split("?")[0]
        try:
            getattr(self, "answer_" + route.strip("/").replace("-", "_"))()
        except (BrokenPipeError, ConnectionResetError):
            return  # the client gave up, as it should

    def _head(self, status: int = 200, length: int | None = None, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def answer_drip(self) -> None:
        self._head(length=1000)
        for _ in range(1000):
            self.wfile.write(b" ")
            self.wfile.flush()
            time.sleep(0.25)

    def answer_endless(self) -> None:
        self._head()
        block = b"[" + b"0," * 32_768
        while True:
            self.wfile.write(block)

    def answer_huge_declared(self) -> None:
        self._head(length=10**12)
        self.wfile.write(b"[")

    def answer_empty_list(self) -> None:
        self._head(length=2)
        self.wfile.write(b"[]")

    def answer_bad_total(self) -> None:
        body = (
            b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">'
            b'<opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">abc'
            b"</opensearch:totalResults><entry><id>http://arxiv.org/abs/2401.00001v1</id><title>T</title>"
            b"<summary>S.</summary></entry></feed>"
        )
        self._head(length=len(body), kind="application/atom+xml")
        self.wfile.write(body)

    def answer_flaky(self) -> None:
        if Misbehaving.flaky_left:
            Misbehaving.flaky_left -= 1
            self._head(503, length=0)
            return
        body = json.dumps({"total": 0, "data": []}).encode()
        self._head(length=len(body))
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Misbehaving)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def client_for(base: str, route: str, lines: list[str] | None = None, **options: Any) -> HttpClient:
    """A client whose every request (whatever API URL the fetcher builds) goes to ``base + route``."""

    def opener(request: urllib.request.Request, timeout: float) -> Any:
        query = request.full_url.partition("?")[2]
        return urllib.request.urlopen(f"{base}{route}?{query}", timeout=timeout)

    log = lines.append if lines is not None else (lambda line: None)
    return HttpClient(opener=opener, min_interval=0.0, backoff=0.1, log=log, **options)


def test_a_server_dripping_one_byte_at_a_time_is_abandoned_at_the_deadline(server: str, tmp_path: Path) -> None:
    out = tmp_path / "s2.json"
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"no complete response within the 2 s deadline \(\d+ bytes received\)"):
        fetch_to_file("semantic-scholar", "x", out, 5, client=client_for(server, "/drip", deadline=2.0, timeout=1.0))
    assert time.monotonic() - started < 3.5
    assert list(tmp_path.iterdir()) == []


def test_an_endless_body_stops_at_the_size_cap_in_bounded_memory(server: str, tmp_path: Path) -> None:
    cap = 2 * 2**20
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match=r"larger than the 2097152 bytes allowed"):
            fetch_to_file(
                "hf-search", "x", tmp_path / "hf.json", 5, client=client_for(server, "/endless", max_bytes=cap)
            )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3 * cap
    assert list(tmp_path.iterdir()) == []


def test_a_declared_length_over_the_cap_is_refused_before_reading(server: str, tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"the response is 1000000000000 bytes, more than the \d+ allowed"):
        fetch_to_file("hf-search", "x", tmp_path / "hf.json", 5, client=client_for(server, "/huge-declared"))
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    ("source", "route", "message"),
    [
        ("semantic-scholar", "/empty-list", r"/paper/search: expected a JSON object, got a list$"),
        ("openalex", "/empty-list", r"openalex\.org/works: expected a JSON object, got a list$"),
        (
            "arxiv",
            "/bad-total",
            r"export\.arxiv\.org/api/query: field 'totalResults': expected a whole number, got 'abc'",
        ),
    ],
)
def test_a_response_of_the_wrong_shape_is_a_located_error(
    server: str, tmp_path: Path, source: str, route: str, message: str
) -> None:
    with pytest.raises(FetchError, match=message):
        fetch_to_file(source, "x", tmp_path / "out", 5, client=client_for(server, route))
    assert list(tmp_path.iterdir()) == []


def test_each_retry_is_one_line_and_the_saved_file_is_whole(server: str, tmp_path: Path) -> None:
    Misbehaving.flaky_left = 2
    lines: list[str] = []
    out = fetch_to_file("semantic-scholar", "x", tmp_path / "s2.json", 5, client=client_for(server, "/flaky", lines))
    assert json.loads(out.read_text(encoding="utf-8")) == {"total": 0, "data": []}
    assert [line.split(": ", 1)[1] for line in lines] == [
        "HTTP 503; retry 1 of 4 in 0.1 s",
        "HTTP 503; retry 2 of 4 in 0.2 s",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s2.json"]
