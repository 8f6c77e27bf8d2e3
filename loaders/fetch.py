"""Online fetchers: save raw API responses to a file that :func:`loaders.detect.load_path` reads.

Sources: ``arxiv`` (arXiv API, Atom), ``semantic-scholar`` (Graph API paper search), ``openalex``
(works search), ``hf-daily`` (HF daily papers of one date) and ``hf-search`` (HF papers search).
Every request goes through :class:`HttpClient`: a User-Agent, a timeout, a polite minimum interval
between requests, and retries with exponential backoff on HTTP 429/5xx, timeouts and connection errors,
honouring ``Retry-After``, with one line per retry on stderr. Each request is bounded: a body larger than
``max_bytes`` (64 MiB) is refused, and a request that has not finished ``deadline`` seconds (300) after it
started is abandoned, retries and a slow server's trickle included. A response of the wrong shape (a
list where the API answers an object, a count that is not a number) is a :class:`FetchError` naming the
URL and field. Pages are requested until ``limit`` records are saved or the source runs out; the file is
written atomically (:mod:`loaders.atomicio`), so it is whole or absent.

The opener (``(request, timeout) -> response``), ``sleep`` and ``clock`` are plain parameters, so the
retry and rate-limit logic is tested without a network.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from loaders.arxiv import NS as ATOM_NS
from loaders.atomicio import atomic_write
from loaders.errors import FetchError, InputError, locate

USER_AGENT = "paperkg/0.1 (research-paper knowledge graph; https://pypi.org/project/paperkg/)"
ARXIV_API = "https://export.arxiv.org/api/query"
S2_SEARCH = "https://api.semanticscholar.org/graph/v1/paper/search"
S2_FIELDS = "paperId,externalIds,title,abstract,authors,year,publicationDate,url,openAccessPdf"
OPENALEX_WORKS = "https://api.openalex.org/works"
HF_DAILY = "https://huggingface.co/api/daily_papers"
HF_SEARCH = "https://huggingface.co/api/papers/search"
#: Seconds between two requests to one source: arXiv asks for 3 s, the others allow more.
POLITE_INTERVAL = {"arxiv": 3.0, "semantic-scholar": 1.0, "openalex": 0.2, "hf-daily": 0.5, "hf-search": 0.5}
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
#: Bytes read from a response at a time (each read returns what has arrived, up to this).
CHUNK_BYTES = 64 * 1024

Opener = Callable[[urllib.request.Request, float], Any]


def _urlopen(request: urllib.request.Request, timeout: float) -> Any:
    return urllib.request.urlopen(request, timeout=timeout)


def _stderr_line(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class HttpClient:
    """GET with a User-Agent, timeouts, a size cap, a deadline, a minimum interval and retries with backoff.

    ``timeout`` bounds each socket operation; ``deadline`` bounds a whole :meth:`get` (every attempt, wait
    and byte); ``max_bytes`` bounds the body. ``log`` receives one line per retry (default: stderr).
    """

    opener: Opener = _urlopen
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    log: Callable[[str], None] = _stderr_line
    min_interval: float = 1.0
    max_retries: int = 4
    backoff: float = 2.0
    max_wait: float = 120.0
    timeout: float = 30.0
    deadline: float = 300.0
    max_bytes: int = 64 * 2**20
    user_agent: str = USER_AGENT
    _last_request: float | None = field(default=None, init=False, repr=False)

    def get(self, url: str, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> bytes:
        """The body of a successful GET; :class:`FetchError` once retries are exhausted or on other errors."""
        full_url = url + ("?" + urllib.parse.urlencode(params) if params else "")
        request = urllib.request.Request(full_url, headers={"User-Agent": self.user_agent, **(headers or {})})
        end = self.clock() + self.deadline
        for attempt in range(self.max_retries + 1):
            self._wait_turn()
            try:
                return self._read(request, full_url, end)
            except urllib.error.HTTPError as exc:
                if exc.code not in RETRY_STATUS or attempt == self.max_retries:
                    raise FetchError(f"{full_url}: HTTP {exc.code} {exc.reason}") from exc
                delay = retry_after(exc.headers.get("Retry-After") if exc.headers else None)
                delay = self._backoff(attempt) if delay is None else delay
                self._pause(full_url, f"HTTP {exc.code}", attempt, delay, end)
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                reason = getattr(exc, "reason", exc)
                if attempt == self.max_retries:
                    raise FetchError(f"{full_url}: {reason} (after {attempt + 1} attempts)") from exc
                self._pause(full_url, str(reason), attempt, self._backoff(attempt), end)
        raise AssertionError("unreachable: the loop returns or raises")

    def _read(self, request: urllib.request.Request, url: str, end: float) -> bytes:
        """One attempt: the whole body, or :class:`FetchError` past ``max_bytes`` or the deadline ``end``."""
        with self.opener(request, min(self.timeout, max(0.001, end - self.clock()))) as response:
            declared = response.headers.get("Content-Length", "").strip()
            if declared.isdigit() and (len(declared) > 18 or int(declared) > self.max_bytes):
                raise FetchError(f"{url}: the response is {declared} bytes, more than the {self.max_bytes} allowed")
            chunks: list[bytes] = []
            size = 0
            while chunk := response.read1(CHUNK_BYTES):
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError(f"{url}: the response is larger than the {self.max_bytes} bytes allowed")
                if self.clock() > end:
                    raise FetchError(
                        f"{url}: no complete response within the {self.deadline:g} s deadline ({size} bytes received)"
                    )
                chunks.append(chunk)
            return b"".join(chunks)

    def _pause(self, url: str, why: str, attempt: int, delay: float, end: float) -> None:
        """Wait before retry ``attempt + 1`` (one line on :attr:`log`), unless that passes the deadline."""
        delay = min(self.max_wait, delay)
        if self.clock() + delay > end:
            raise FetchError(f"{url}: {why}; no retry: waiting {delay:g} s would pass the {self.deadline:g} s deadline")
        self.log(f"{url}: {why}; retry {attempt + 1} of {self.max_retries} in {delay:g} s")
        self.sleep(delay)

    def get_json(self, url: str, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> Any:
        """GET and decode JSON; a body that is not JSON is a :class:`FetchError`."""
        body = self.get(url, params, headers)
        try:
            return json.loads(body)
        except ValueError as exc:
            raise FetchError(f"{url}: the response is not JSON ({exc})") from exc

    def _backoff(self, attempt: int) -> float:
        return self.backoff * 2**attempt

    def _wait_turn(self) -> None:
        if self._last_request is not None:
            wait = self.min_interval - (self.clock() - self._last_request)
            if wait > 0:
                self.sleep(wait)
        self._last_request = self.clock()


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date); None if absent/bad.

    >>> retry_after("7"), retry_after(None), retry_after("soon")
    (7.0, None, None)
    >>> retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=datetime(2015, 10, 21, 7, 28, tzinfo=timezone.utc))
    30.0
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def fetch_arxiv(client: HttpClient, query: str, limit: int, out: Path, page_size: int = 100) -> Path:
    """Search the arXiv API (plain words search all fields) and save one Atom feed with every entry."""
    search = query if re.search(r"\b(all|ti|abs|au|cat|id):", query) else f"all:{query}"
    feed: ET.Element | None = None
    count = 0
    while count < limit:
        params = {"search_query": search, "start": count, "max_results": min(page_size, limit - count)}
        page = _parse_atom(client.get(ARXIV_API, params), ARXIV_API)
        entries = page.findall("atom:entry", ATOM_NS)
        if feed is None:
            feed = page
        else:
            feed.extend(entries)
        count += len(entries)
        if not entries or count >= _total_results(page, ARXIV_API):
            break
    assert feed is not None
    for register, uri in (("", ATOM_NS["atom"]), ("arxiv", ATOM_NS["arxiv"]), ("opensearch", ATOM_NS["opensearch"])):
        ET.register_namespace(register, uri)
    return atomic_write(out, ET.tostring(feed, encoding="unicode", xml_declaration=True))


def fetch_semantic_scholar(
    client: HttpClient, query: str, limit: int, out: Path, api_key: str | None = None, page_size: int = 100
) -> Path:
    """Relevance search of the Semantic Scholar Graph API, saved as ``{"total", "data": [...]}``."""
    key = api_key or os.environ.get("S2_API_KEY")
    headers = {"x-api-key": key} if key else None
    papers: list[Any] = []
    total = 0
    while len(papers) < limit:
        params = {
            "query": query,
            "offset": len(papers),
            "limit": min(page_size, limit - len(papers)),
            "fields": S2_FIELDS,
        }
        page = _json_object(client.get_json(S2_SEARCH, params, headers), S2_SEARCH)
        data = _json_list(page.get("data"), S2_SEARCH, "data")
        papers.extend(data)
        total = page.get("total", total)
        if not data or "next" not in page:
            break
    return atomic_write(out, json.dumps({"total": total, "data": papers[:limit]}, ensure_ascii=False, indent=1))


def fetch_openalex(
    client: HttpClient, query: str, limit: int, out: Path, mailto: str | None = None, page_size: int = 200
) -> Path:
    """Search OpenAlex works (cursor paging), saved as ``{"meta", "results": [...]}``."""
    works: list[Any] = []
    cursor: str | None = "*"
    meta: dict[str, Any] = {}
    while cursor and len(works) < limit:
        params: dict[str, Any] = {"search": query, "per-page": min(page_size, limit - len(works)), "cursor": cursor}
        if mailto or os.environ.get("OPENALEX_MAILTO"):
            params["mailto"] = mailto or os.environ["OPENALEX_MAILTO"]
        page = _json_object(client.get_json(OPENALEX_WORKS, params), OPENALEX_WORKS)
        results = _json_list(page.get("results"), OPENALEX_WORKS, "results")
        works.extend(results)
        meta = _json_object(page.get("meta") or {}, OPENALEX_WORKS, "meta")
        cursor = meta.get("next_cursor") if results else None
        if cursor is not None and not isinstance(cursor, str):
            raise FetchError(
                locate(f"expected a string, got {_json_kind(cursor)}", file=OPENALEX_WORKS, field="meta.next_cursor")
            )
    return atomic_write(
        out, json.dumps({"meta": {"count": meta.get("count")}, "results": works[:limit]}, ensure_ascii=False, indent=1)
    )


def fetch_hf_daily(client: HttpClient, date: str, limit: int, out: Path) -> Path:
    """The Hugging Face daily papers of ``date`` (YYYY-MM-DD), saved as the API's JSON list."""
    try:
        datetime.strptime(date, "%Y-%m-%d")
    except ValueError as exc:
        raise InputError(f"expected a date as YYYY-MM-DD, got {date!r}", field="date") from exc
    items = client.get_json(HF_DAILY, {"date": date, "limit": limit})
    return atomic_write(out, json.dumps(_json_list(items, HF_DAILY)[:limit], ensure_ascii=False, indent=1))


def fetch_hf_search(client: HttpClient, query: str, limit: int, out: Path) -> Path:
    """Hugging Face papers search, saved as the API's JSON list."""
    items = client.get_json(HF_SEARCH, {"q": query})
    return atomic_write(out, json.dumps(_json_list(items, HF_SEARCH)[:limit], ensure_ascii=False, indent=1))


SOURCES = ("arxiv", "semantic-scholar", "openalex", "hf-daily", "hf-search")


def fetch_to_file(source: str, query: str | None, out: Path, limit: int, **opts: Any) -> Path:
    """Fetch up to ``limit`` papers from ``source`` into ``out`` (what ``paperkg fetch`` calls).

    ``opts``: ``date`` (hf-daily), ``api_key`` (semantic-scholar, else ``$S2_API_KEY``), ``mailto``
    (openalex, else ``$OPENALEX_MAILTO``), ``client`` (an :class:`HttpClient`; by default one with the
    source's polite interval).
    """
    if source not in SOURCES:
        raise InputError(f"unknown source {source!r}; choose one of: {', '.join(SOURCES)}", field="source")
    if limit < 1:
        raise InputError(f"--limit must be at least 1, got {limit}", field="limit")
    client = opts.pop("client", None) or HttpClient(min_interval=POLITE_INTERVAL[source])
    out = Path(out)
    if source == "hf-daily":
        date = opts.get("date")
        if not date:
            raise InputError("hf-daily needs --date YYYY-MM-DD", field="date")
        return fetch_hf_daily(client, date, limit, out)
    if not query or not query.strip():
        raise InputError(f"{source} needs --query", field="query")
    if source == "arxiv":
        return fetch_arxiv(client, query, limit, out)
    if source == "semantic-scholar":
        return fetch_semantic_scholar(client, query, limit, out, api_key=opts.get("api_key"))
    if source == "openalex":
        return fetch_openalex(client, query, limit, out, mailto=opts.get("mailto"))
    return fetch_hf_search(client, query, limit, out)


def _parse_atom(body: bytes, url: str) -> ET.Element:
    try:
        return ET.fromstring(body)
    except ET.ParseError as exc:
        raise FetchError(f"{url}: the response is not an Atom feed ({exc})") from exc


def _total_results(page: ET.Element, url: str) -> int:
    """The feed's ``opensearch:totalResults`` (0 when absent); a value that is not a whole number is an error."""
    text = (page.findtext("opensearch:totalResults", default="", namespaces=ATOM_NS) or "0").strip()
    if not text.isdigit() or len(text) > 18:
        raise FetchError(locate(f"expected a whole number, got {text[:40]!r}", file=url, field="totalResults"))
    return int(text)


def _json_object(value: Any, url: str, name: str | None = None) -> dict[str, Any]:
    """``value`` if it is a JSON object, else a :class:`FetchError` naming ``url`` and the field.

    >>> _json_object([], "https://api.example/x")
    Traceback (most recent call last):
    loaders.errors.FetchError: https://api.example/x: expected a JSON object, got a list
    """
    if not isinstance(value, dict):
        raise FetchError(locate(f"expected a JSON object, got {_json_kind(value)}", file=url, field=name))
    return value


def _json_list(value: Any, url: str, name: str | None = None) -> list[Any]:
    """``value`` if it is a JSON list (a missing field: empty), else a :class:`FetchError` naming the field.

    >>> _json_list("abc", "https://api.example/x", "data")
    Traceback (most recent call last):
    loaders.errors.FetchError: https://api.example/x: field 'data': expected a JSON list, got a string
    """
    if value is None and name is not None:
        return []
    if not isinstance(value, list):
        raise FetchError(locate(f"expected a JSON list, got {_json_kind(value)}", file=url, field=name))
    return value


def _json_kind(value: Any) -> str:
    """How a JSON value's type reads in a message.

    >>> _json_kind({}), _json_kind(None), _json_kind(3.5)
    ('an object', 'null', 'a number')
    """
    kinds = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else kinds.get(type(value), type(value).__name__)
