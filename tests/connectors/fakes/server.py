"""A real HTTP server on 127.0.0.1 (a free port), in a thread, that records every request
and can be told to misbehave: fail the next requests to a path with a status and
headers, answer too slowly for the client's timeout, or point its ``Link`` headers
somewhere else (its own page again, another origin). Two fakes listen on two ports: two
origins, for tests of what a client sends where."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit


@dataclass(frozen=True)
class RecordedRequest:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    method: str = "GET"
    #: The body of a POST, decoded as text (a token request's form).
    body: str = ""

    def form(self) -> dict[str, str]:
        """The form fields of a form-encoded body, each field's first value."""
        return {name: values[0] for name, values in parse_qs(self.body).items()}

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


@dataclass
class Fault:
    path_prefix: str
    times: int
    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b'{"message": "injected fault"}'
    delay_seconds: float = 0.0


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, payload: Any, headers: dict[str, str] | None = None) -> Response:
        return cls(
            200,
            json.dumps(payload).encode(),
            {"Content-Type": "application/json", **(headers or {})},
        )

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Response:
        return cls(status, b"", {"Location": location})


class FakeApi:
    """Subclasses answer ``route(request)``; this class serves, records and injects faults."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        #: Given a request and the next-page URL ``paginate`` would announce (None on
        #: the last page), the URL to announce instead.
        self.rewrite_next_link: Callable[[RecordedRequest, str | None], str | None] | None = None
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def route(self, request: RecordedRequest) -> Response:
        raise NotImplementedError

    def fail_next(self, path_prefix: str, times: int = 1, **fault: Any) -> None:
        with self._lock:
            self._faults.append(Fault(path_prefix, times, **fault))

    def requests_to(self, path_prefix: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.startswith(path_prefix)]

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if path.startswith(fault.path_prefix) and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    @contextmanager
    def running(self) -> Iterator[FakeApi]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._serve("GET", "")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self._serve("POST", self.rfile.read(length).decode())

            def _serve(self, method: str, body: str) -> None:
                url = urlsplit(self.path)
                request = RecordedRequest(
                    url.path, parse_qs(url.query), dict(self.headers), method, body
                )
                api.requests.append(request)
                fault = api._take_fault(url.path)
                if fault is not None:
                    time.sleep(fault.delay_seconds)
                    response = Response(fault.status, fault.body, fault.headers)
                else:
                    response = api.route(request)
                try:
                    self.send_response(response.status)
                    for name, value in response.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(response.body)))
                    self.end_headers()
                    self.wfile.write(response.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test)

            def log_message(self, format: str, *args: Any) -> None:
                return

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        # shutdown() waits for the loop's next poll: 0.5 s by default, per server, which
        # was half the certification suite's time.
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


class OtherOriginApi(FakeApi):
    """Another origin: answers every request with an empty list, and records it."""

    def route(self, request: RecordedRequest) -> Response:
        return Response.json([])


def echoed_credentials(request: RecordedRequest) -> Response:
    """A 401 whose body quotes the credentials the request carried, as some APIs and the
    proxies before them do: the whole header, the bare credential, and URL-encoded."""
    sent = request.headers.get("Authorization", "")
    credential = sent.split(" ", 1)[-1]
    body = {
        "message": f"Bad credentials: {sent!r} (token {credential})",
        "documentation_url": f"https://docs.example/auth?credential={quote(credential, safe='')}",
    }
    return Response(401, json.dumps(body).encode())


def paginate(
    api: FakeApi, request: RecordedRequest, items: list[Any], page_size: int
) -> tuple[list[Any], dict[str, str]]:
    """A page of ``items`` by the ``page`` query parameter, with GitHub's Link header
    pointing at the next page (all other query parameters kept)."""
    page = int(request.param("page") or 1)
    chunk = items[(page - 1) * page_size : page * page_size]
    next_url: str | None = None
    if page * page_size < len(items):
        query = {k: v[0] for k, v in request.query.items()} | {"page": str(page + 1)}
        encoded = "&".join(f"{k}={v}" for k, v in query.items())
        next_url = f"{api.base_url}{request.path}?{encoded}"
    if api.rewrite_next_link is not None:
        next_url = api.rewrite_next_link(request, next_url)
    headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
    return chunk, headers


def page_url(api: FakeApi, request: RecordedRequest) -> str:
    """The absolute URL of the page ``request`` asked for, query included."""
    encoded = "&".join(f"{k}={v[0]}" for k, v in request.query.items())
    return f"{api.base_url}{request.path}" + (f"?{encoded}" if encoded else "")
