"""Fetchers: retry/backoff/rate-limit logic and pagination, driven by an injected opener (no network).

The opener is the plain ``(request, timeout) -> response`` parameter of :class:`HttpClient`; the
responses follow each API's documented shape, and every saved file is read back with ``load_path``.
"""

from __future__ import annotations

import email.message
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from loaders.detect import detect_format, load_path
from loaders.errors import FetchError, InputError
from loaders.fetch import USER_AGENT, HttpClient, fetch_to_file

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"


class Response:
    """What urlopen returns, reduced to what the client uses: headers and ``read1``."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.headers = email.message.Message()

    def read1(self, size: int) -> bytes:
        chunk, self.body = self.body[:size], self.body[size:]
        return chunk

    def __enter__(self) -> Response:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class ScriptedOpener:
    """Answers requests in order with bytes (200) or raises the scripted exception; records requests."""

    def __init__(self, outcomes: Iterable[bytes | Exception]) -> None:
        self.outcomes = list(outcomes)
        self.requests: list[tuple[urllib.request.Request, float]] = []

    def __call__(self, request: urllib.request.Request, timeout: float) -> Response:
        self.requests.append((request, timeout))
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return Response(outcome)

    def params(self, index: int) -> dict[str, str]:
        query = urllib.parse.urlsplit(self.requests[index][0].full_url).query
        return dict(urllib.parse.parse_qsl(query))


class FakeTime:
    """A clock that only moves when the client sleeps (or the test advances it)."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []
        self.lines: list[str] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


def http_error(code: int, retry_after: str | None = None) -> urllib.error.HTTPError:
    headers = email.message.Message()
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    return urllib.error.HTTPError("https://api.example/x", code, "error", headers, None)


def client(opener: ScriptedOpener, time: FakeTime, **options: Any) -> HttpClient:
    options = {"min_interval": 0.0, "log": time.lines.append, **options}
    return HttpClient(opener=opener, sleep=time.sleep, clock=time.clock, **options)


def test_server_errors_are_retried_with_exponential_backoff() -> None:
    opener, time = ScriptedOpener([http_error(503), http_error(502), b"ok"]), FakeTime()
    assert client(opener, time, backoff=2.0).get("https://api.example/x") == b"ok"
    assert time.sleeps == [2.0, 4.0]
    assert len(opener.requests) == 3
    assert time.lines == [
        "https://api.example/x: HTTP 503; retry 1 of 4 in 2 s",
        "https://api.example/x: HTTP 502; retry 2 of 4 in 4 s",
    ]


def test_a_retry_that_would_pass_the_deadline_is_not_made() -> None:
    opener, time = ScriptedOpener([http_error(429, retry_after="60"), b"never"]), FakeTime()
    with pytest.raises(FetchError, match=r"HTTP 429; no retry: waiting 60 s would pass the 30 s deadline"):
        client(opener, time, deadline=30.0).get("https://api.example/x")
    assert len(opener.requests) == 1 and time.sleeps == []


def test_429_honours_retry_after_seconds() -> None:
    opener, time = ScriptedOpener([http_error(429, retry_after="7"), b"ok"]), FakeTime()
    assert client(opener, time).get("https://api.example/x") == b"ok"
    assert time.sleeps == [7.0]


def test_retry_after_is_capped_by_max_wait() -> None:
    opener, time = ScriptedOpener([http_error(429, retry_after="3600"), b"ok"]), FakeTime()
    client(opener, time, max_wait=30.0).get("https://api.example/x")
    assert time.sleeps == [30.0]


def test_timeouts_are_retried_then_reported() -> None:
    failures = [TimeoutError("timed out"), urllib.error.URLError("connection refused"), TimeoutError("timed out")]
    opener, time = ScriptedOpener(failures), FakeTime()
    with pytest.raises(FetchError, match=r"https://api\.example/x: timed out \(after 3 attempts\)"):
        client(opener, time, max_retries=2, backoff=1.0).get("https://api.example/x")
    assert time.sleeps == [1.0, 2.0]


def test_client_errors_are_not_retried() -> None:
    opener, time = ScriptedOpener([http_error(404), b"never"]), FakeTime()
    with pytest.raises(FetchError, match=r"HTTP 404"):
        client(opener, time).get("https://api.example/x")
    assert len(opener.requests) == 1 and time.sleeps == []


def test_requests_carry_user_agent_and_timeout_and_keep_a_polite_interval() -> None:
    opener, time = ScriptedOpener([b"1", b"2", b"3"]), FakeTime()
    http = client(opener, time, min_interval=3.0, timeout=12.0)
    http.get("https://api.example/x")
    time.now += 1.0  # the caller spends one second between requests
    http.get("https://api.example/x", {"q": "a b"})
    http.get("https://api.example/x")
    assert time.sleeps == [2.0, 3.0]
    request, timeout = opener.requests[1]
    assert (request.get_header("User-agent"), timeout) == (USER_AGENT, 12.0)
    assert request.full_url == "https://api.example/x?q=a+b"


def atom_page(ids: list[str], total: int) -> bytes:
    entries = "".join(
        f"<entry><id>http://arxiv.org/abs/{i}v1</id><published>2024-01-0{n + 1}T00:00:00Z</published>"
        f"<title>Paper {i}</title><summary>Abstract of {i}.</summary><author><name>A. Author</name></author>"
        f'<link title="pdf" href="http://arxiv.org/pdf/{i}v1" rel="related" type="application/pdf"/></entry>\n'
        for n, i in enumerate(ids)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f'<opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{total}'
        f"</opensearch:totalResults>\n{entries}</feed>"
    ).encode()


def test_fetch_arxiv_pages_until_limit_and_saves_one_loadable_feed(tmp_path: Path) -> None:
    opener, time = (
        ScriptedOpener([atom_page(["2401.00001", "2401.00002"], 3), atom_page(["2401.00003"], 3)]),
        FakeTime(),
    )
    out = fetch_to_file("arxiv", "rectified flow", tmp_path / "arxiv.xml", 5, client=client(opener, time))
    assert [opener.params(i)["start"] for i in range(2)] == ["0", "2"]
    assert opener.params(0) == {"search_query": "all:rectified flow", "start": "0", "max_results": "5"}
    assert detect_format(out) == "arxiv"
    papers = load_path(out).papers
    assert [p.id for p in papers] == ["arxiv:2401.00001", "arxiv:2401.00002", "arxiv:2401.00003"]
    assert papers[2].urls["pdf"] == "http://arxiv.org/pdf/2401.00003v1"


def test_fetch_semantic_scholar_follows_next_and_truncates_to_limit(tmp_path: Path) -> None:
    papers = json.loads((FIXTURES / "s2_search.json").read_text(encoding="utf-8"))["data"]
    first = {"total": 3, "offset": 0, "next": 1, "data": papers[:1]}
    second = {"total": 3, "offset": 1, "next": 3, "data": papers[1:] + papers[:1]}
    opener, time = ScriptedOpener([json.dumps(first).encode(), json.dumps(second).encode()]), FakeTime()
    out = fetch_to_file("semantic-scholar", "vision language", tmp_path / "s2.json", 2, client=client(opener, time))
    assert [opener.params(i)["offset"] for i in range(2)] == ["0", "1"]
    assert opener.params(1)["limit"] == "1"
    assert detect_format(out) == "semantic-scholar"
    assert [p.id for p in load_path(out).papers] == ["arxiv:1909.11740", "doi:10.1109/iccv.2019.00756"]


def test_fetch_openalex_uses_cursor_paging(tmp_path: Path) -> None:
    works = json.loads((FIXTURES / "openalex_works.json").read_text(encoding="utf-8"))["results"]
    pages = [
        {"meta": {"count": 2, "next_cursor": "IlsxNjk"}, "results": works[:1]},
        {"meta": {"count": 2, "next_cursor": None}, "results": works[1:]},
    ]
    opener, time = ScriptedOpener([json.dumps(p).encode() for p in pages]), FakeTime()
    out = fetch_to_file("openalex", "residual", tmp_path / "oa.json", 10, client=client(opener, time), mailto="a@b.c")
    assert [opener.params(i)["cursor"] for i in range(2)] == ["*", "IlsxNjk"]
    assert opener.params(0)["mailto"] == "a@b.c"
    assert [p.id for p in load_path(out).papers] == ["doi:10.1109/cvpr.2016.90", "arxiv:2407.12718"]


def test_fetch_hf_daily_saves_the_api_list(tmp_path: Path) -> None:
    body = (FIXTURES / "hf_daily.json").read_bytes()
    opener, time = ScriptedOpener([body]), FakeTime()
    out = fetch_to_file("hf-daily", None, tmp_path / "daily.json", 1, client=client(opener, time), date="2024-07-18")
    assert opener.params(0) == {"date": "2024-07-18", "limit": "1"}
    assert detect_format(out) == "hf-api"
    assert [p.id for p in load_path(out).papers] == ["arxiv:2407.12718"]


@pytest.mark.parametrize(
    ("source", "query", "limit", "opts", "message"),
    [
        ("scholar", "x", 5, {}, r"field 'source': unknown source 'scholar'"),
        ("arxiv", " ", 5, {}, r"field 'query': arxiv needs --query"),
        ("openalex", "x", 0, {}, r"field 'limit': --limit must be at least 1"),
        ("hf-daily", None, 5, {}, r"field 'date': hf-daily needs --date"),
        ("hf-daily", None, 5, {"date": "18/07/2024"}, r"field 'date': expected a date as YYYY-MM-DD"),
    ],
)
def test_fetch_to_file_validates_its_options(
    tmp_path: Path, source: str, query: str | None, limit: int, opts: dict[str, str], message: str
) -> None:
    opener, time = ScriptedOpener([]), FakeTime()
    with pytest.raises(InputError, match=message):
        fetch_to_file(source, query, tmp_path / "out", limit, client=client(opener, time), **opts)
    assert opener.requests == []


def test_cli_fetch_reports_a_bad_option_in_one_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from graph.cli import cli

    result = CliRunner().invoke(cli, ["fetch", "hf-daily", "--date", "18/07/2024", "-o", str(tmp_path / "d.json")])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: field 'date': expected a date as YYYY-MM-DD, got '18/07/2024'"
    assert not (tmp_path / "d.json").exists()
