"""A stand-in for the GitHub REST API's issue list on 127.0.0.1, answering as GitHub documents it.

``GET /repos/OWNER/REPO/issues`` with ``state``, ``since`` (issues updated at or after it), ``sort``
(``created``, the default, or ``updated``) and ``direction`` (``desc``, the default, or ``asc``), ``per_page``
(the stand-in pages by at most ``page_size``, so a few issues make several pages) and ``page``;
the ``Link`` header names the next and last pages; an ``ETag`` per answer, and ``304`` for an
``If-None-Match`` that names it; ``401`` for a wrong token, ``404`` for another repository; a used-up rate
limit (``403`` with ``X-RateLimit-Remaining: 0`` and ``X-RateLimit-Reset``, or ``429`` with ``Retry-After``)
for as many requests as ``refusals`` holds, once ``refusals_after`` requests were answered; a redirect (``301``
as for a moved repository, ``Location`` with the query kept) for each path ``redirects`` names. Every request
is recorded (header names in lower case).
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class GitHub:
    repo: str = "acme/news"
    token: str = ""  # "": no token needed (a public repository)
    page_size: int = 2
    issues: list[dict] = field(default_factory=list)
    refusals: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (status, headers), used up in turn
    refusals_after: int = 0  # requests answered before the refusals begin
    redirects: dict[str, tuple[int, str]] = field(default_factory=dict)  # path: (status, Location without query)
    requests: list[Request] = field(default_factory=list)
    url: str = ""

    def add(self, number: int, title: str, body: str = "", updated: str = "", **extra: object) -> None:
        when = updated or f"2026-12-01T10:{number:02d}:00Z"
        self.issues.append(
            {
                "number": number,
                "title": title,
                "body": body,
                "created_at": when,
                "updated_at": when,
                "labels": [{"name": "feedback"}],
                "state": "open",
                **extra,
            }
        )


def serve(github: GitHub):
    """Runs the stand-in until the returned stop function is called."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - the http.server name
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            github.requests.append(Request(parts.path, query, {k.lower(): v for k, v in self.headers.items()}))
            if github.refusals and len(github.requests) > github.refusals_after:
                status, headers = github.refusals.pop(0)
                return self.answer(status, {"message": "API rate limit exceeded"}, headers)
            if github.token and self.headers.get("Authorization") != f"Bearer {github.token}":
                return self.answer(401, {"message": "Bad credentials"})
            if parts.path in github.redirects:
                status, location = github.redirects[parts.path]
                return self.answer(status, None, {"Location": location + (f"?{parts.query}" if parts.query else "")})
            if parts.path != f"/repos/{github.repo}/issues":
                return self.answer(404, {"message": "Not Found"})
            return self.issues(parts.path, query)

        def issues(self, path: str, query: dict[str, str]) -> None:
            since = query.get("since", "")
            key = "updated_at" if query.get("sort") == "updated" else "created_at"
            found = sorted(
                (i for i in github.issues if i["updated_at"] >= since),
                key=lambda i: (i[key], i["number"]),
                reverse=query.get("direction", "desc") != "asc",
            )
            size = min(int(query.get("per_page", "30")), github.page_size)
            page = int(query.get("page", "1"))
            last = max(1, -(-len(found) // size))
            body = found[(page - 1) * size : page * size]
            etag = '"' + hashlib.sha1(json.dumps(body).encode()).hexdigest() + '"'  # noqa: S324 - an ETag
            if self.headers.get("If-None-Match") == etag:
                return self.answer(304, None, {"ETag": etag})
            links = []
            if page < last:
                links.append(f'<{github.url}{path}?{urlencode({**query, "page": page + 1})}>; rel="next"')
                links.append(f'<{github.url}{path}?{urlencode({**query, "page": last})}>; rel="last"')
            return self.answer(200, body, {"ETag": etag, "Link": ", ".join(links)} if links else {"ETag": etag})

        def answer(self, status: int, data: object, headers: dict[str, str] | None = None) -> None:
            payload = b"" if data is None else json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    github.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return stop
