"""``techdigest serve``: the web server of the preview, with live reload.

The only module that imports livereload and its web server, tornado. The
rebuilds are :class:`preview.Preview`'s: they run on the watcher's thread, one
at a time, while the server goes on answering from the last build; the
browser is told to reload only after a rebuild has finished, and only when an
output file changed or the error state did. While a build has errors, every
page shows them on top of the last good version.

The server answers only what a local preview should: requests addressed to it
(``Host`` is ``localhost``, an IP address or the ``--host`` given, so a web
page cannot reach it by DNS rebinding), files inside the build output (tornado
resolves each path and checks that it stays inside), and ratings posted by its
own pages. Ratings are stored as JSON lines.
"""

from __future__ import annotations

import datetime as dt
import html
import ipaddress
import logging
import re
import socket
import sys
from functools import partial
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote, unquote_to_bytes, urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.watcher import Watcher as _ReloadLog
from tornado import httputil, log, netutil, web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.routing import AnyMatches, Matcher, Rule

from . import urls
from .feedback import MAX_BODY, Rejected, append, check_request, parse_submission
from .model import TechdigestError, printable
from .preview import FEEDBACK_PATH, Preview, preview_folder
from .records import IMPORTED, REMOVED
from .tagnames import TAGS_FILE
from .watch import Watcher

WATCHED = ["content", "templates", "locales", "seeds", "techdigest.toml", REMOVED, IMPORTED, TAGS_FILE]


def serve(root: Path, host: str, port: int, base_path: str, feedback_file: Path) -> None:
    """Serve until Ctrl-C or SIGTERM. ``base_path``: ``/`` or ``/a/b/`` (the CLI checks it); ``port`` 0: any."""
    try:
        sockets = netutil.bind_sockets(port, host)
    except (OSError, UnicodeError) as exc:  # the address is taken, not ours, or no address at all
        raise TechdigestError(f"cannot serve on {host}:{port}: {getattr(exc, 'strerror', None) or exc}") from None
    port = sockets[0].getsockname()[1]
    address = f"[{host}]" if ":" in host else host
    with preview_folder() as output:
        preview = Preview(root.resolve(), output, f"http://{address}:{port}{quote(base_path)}", feedback_file.resolve())
        preview.rebuild(set())  # before any other thread runs: this build may use every core
        _run(preview, sockets, _application(preview, base_path, host, port))


def _run(preview: Preview, sockets: list[socket.socket], application: web.Application) -> None:
    loop = IOLoop.current()
    server = HTTPServer(application, max_body_size=MAX_BODY)  # no request body is larger
    server.add_sockets(sockets)

    def rebuild(changed: set[Path]) -> None:  # on the watcher's thread; the reload is sent from the server's
        if preview.rebuild(changed):
            loop.add_callback(LiveReloadHandler.reload_waiters, path="*")

    watcher = Watcher(preview.root, WATCHED, rebuild, quiet=0.1)
    watcher.start()
    _log_errors_to_terminal()
    print(f"serving {preview.base_url} (Ctrl-C stops)", flush=True)
    try:
        loop.start()
    except KeyboardInterrupt:
        print("stopped", flush=True)
    finally:
        server.stop()
        watcher.stop()
        loop.close(all_fds=True)


def _application(preview: Preview, base_path: str, host: str, port: int) -> web.Application:
    LiveReloadHandler.watcher = _ReloadLog()  # it only names the changed file in its log
    LiveReloadHandler.live_css = False
    site = {"path": str(preview.output), "default_filename": "index.html", "preview": preview}
    ours = [
        (r"/livereload", LiveReloadHandler),
        (r"/livereload\.js", LiveReloadJSHandler),
        Rule(_Under(base_path + FEEDBACK_PATH, exact=True), _FeedbackHandler, {"preview": preview}),
        Rule(_Under(base_path), _SiteHandler, site),
        Rule(AnyMatches(), _OutsideHandler, {"base_path": base_path}),  # as on GitHub Pages: nothing else
    ]
    rules = [Rule(_AddressedTo(host, port), ours), Rule(AnyMatches(), _Refused)]
    # tornado types transforms as classes but only calls each with the request: a factory does
    transform = cast("type[web.OutputTransform]", partial(_PageAdditions, preview=preview, port=port))
    return web.Application(rules, transforms=[transform])


def _log_errors_to_terminal() -> None:
    channel = logging.StreamHandler()
    channel.setFormatter(log.LogFormatter())
    logging.getLogger("tornado").addHandler(channel)


class _AddressedTo(Matcher):
    """Requests for this server: Host is localhost, an IP address or the ``--host`` given, at its port.

    Any other name is a page that had its domain point here (DNS rebinding);
    an IP address cannot be rebound, and names the server on every interface.
    """

    def __init__(self, host: str, port: int) -> None:
        self.names = {"localhost", host.lower().strip("[]")}
        self.port = port

    def match(self, request: httputil.HTTPServerRequest) -> dict[str, Any] | None:
        try:
            address = urlsplit("//" + request.host)
            name, port = address.hostname or "", address.port
        except ValueError:
            return None
        if port not in (None, self.port):
            return None
        return {} if name in self.names or _is_ip(name) else None


class _Under(Matcher):
    """Requests whose path, decoded, starts with ``prefix`` (or is ``prefix``): the rest is the handler's.

    tornado's own routes are regular expressions matched against the
    percent-encoded path: a prefix with ``(`` or ``.`` in it, or a non-ASCII one,
    would be read as a pattern or never match.
    """

    def __init__(self, prefix: str, exact: bool = False) -> None:
        self.prefix = prefix.encode("utf-8")
        self.exact = exact

    def match(self, request: httputil.HTTPServerRequest) -> dict[str, Any] | None:
        path = unquote_to_bytes(request.path.encode("latin-1"))
        if self.exact:
            return {"path_args": [], "path_kwargs": {}} if path == self.prefix else None
        if path.startswith(self.prefix):
            return {"path_args": [path[len(self.prefix) :]], "path_kwargs": {}}
        return None


class _SiteHandler(web.StaticFileHandler):
    """The built site, GitHub Pages style (404.html for what is missing), never cached.

    tornado resolves every path (symbolic links too) and refuses what lies
    outside the output folder, in every state of the build.
    """

    # tornado calls initialize with the Rule's keyword arguments, one set per handler: ours has a preview
    def initialize(self, path: str, default_filename: str, preview: Preview) -> None:  # type: ignore[override]
        super().initialize(path, default_filename)
        self.preview = preview

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        try:
            return super().validate_absolute_path(root, absolute_path)
        except (ValueError, OSError):  # a NUL byte, a name too long: no file has it
            raise web.HTTPError(404) from None

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")

    def compute_etag(self) -> None:  # a preview is never cached
        return None

    def write_error(self, status_code: int, **kwargs: object) -> None:
        not_found = Path(self.root) / urls.NOT_FOUND
        if status_code == 404 and not_found.is_file():
            text = not_found.read_text(encoding="utf-8")
        else:
            text = f"<!DOCTYPE html><html><head><title>{status_code}</title></head><body></body></html>"
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(text)


class _OutsideHandler(web.RequestHandler):
    def initialize(self, base_path: str) -> None:
        self.base_path = base_path

    def get(self) -> None:
        path = unquote_to_bytes(self.request.path.encode("latin-1"))
        if path in (b"/", self.base_path.rstrip("/").encode("utf-8")):
            self.redirect(quote(self.base_path))
        else:
            raise web.HTTPError(404)


class _Refused(web.RequestHandler):
    """Whatever is asked of a server under another name: 403, and where the preview is."""

    def prepare(self) -> None:
        self.set_status(403)
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.finish(f"403: this preview does not answer requests for host {self.request.host!r}\n")


@web.stream_request_body
class _FeedbackHandler(web.RequestHandler):
    """Accepts the rating form: stores one JSON line, then thanks the reader in their language.

    The request is checked on its headers alone (origin, type, length); the
    body arrives in pieces, and the server never takes more than ``MAX_BODY``.
    """

    def initialize(self, preview: Preview) -> None:
        self.preview = preview
        self.body = bytearray()

    def prepare(self) -> None:
        try:
            check_request(self.request.headers, f"{self.request.protocol}://{self.request.host}")
        except Rejected as exc:
            self._reject(exc)

    def data_received(self, chunk: bytes) -> None:
        self.body += chunk

    def post(self) -> None:
        config = self.preview.config
        httputil.parse_body_arguments(
            self.request.headers.get("Content-Type", ""),
            bytes(self.body),
            self.request.body_arguments,
            self.request.files,
            self.request.headers,
        )
        try:
            fields = {name: self.get_body_argument(name, "") for name in ("article", "id", "lang", "rating", "comment")}
            languages = config.languages if config else ()
            submission = parse_submission(fields, self.preview.articles, languages, dt.datetime.now(dt.UTC))
        except Rejected as exc:
            self._reject(exc)
            return
        try:
            append(self.preview.feedback_file, submission)
        except OSError as exc:  # a full disk, a folder or a read-only file where the ratings go
            print(
                f"error: {printable(f'{exc.filename or self.preview.feedback_file}: {exc.strerror}')}",
                file=sys.stderr,
                flush=True,
            )
            self._reject(Rejected(500, "the rating could not be stored"))
            return
        print(f"feedback: {submission.article} ({submission.lang}) rated {submission.rating}/5", flush=True)
        if "application/json" in self.request.headers.get("Accept", ""):
            self.finish({"ok": True})
        else:
            self.redirect(urls.site_path(self.preview.base_url, urls.feedback_thanks(submission.lang)), status=303)

    def _reject(self, exc: Rejected) -> None:
        self.set_status(exc.status)
        self.finish({"ok": False, "error": str(exc)})


class _PageAdditions(web.OutputTransform):
    """Every HTML page gets the live-reload script, and the problems on top while they last."""

    def __init__(self, request: httputil.HTTPServerRequest, preview: Preview, port: int) -> None:
        super().__init__(request)
        self.preview = preview
        self.script = b'<script src="/livereload.js?port=%d"></script>' % port

    def transform_first_chunk(
        self, status_code: int, headers: httputil.HTTPHeaders, chunk: bytes, finishing: bool
    ) -> tuple[int, httputil.HTTPHeaders, bytes]:
        if "html" not in headers.get("Content-Type", "") or status_code == 206:
            return status_code, headers, chunk
        changed = chunk.replace(b"</head>", self.script + b"</head>", 1)
        changed = changed.replace(b"<body>", b"<body>" + _banners(self.preview, chunk).encode("utf-8"), 1)
        # the file's length is not the page's; a HEAD (no chunk to change) must not claim it either
        headers.pop("Content-Length", None)
        return status_code, headers, changed


# the banners' headings in the page's language (a preview's own words, not the site's: no catalog)
_HEADINGS = {
    "build": {
        "de": "Der Build ist fehlgeschlagen; zu sehen ist die letzte gute Fassung.",
        "en": "Build failed; showing the last good version.",
    },
    "seed": {"de": "Nicht importiert:", "en": "Not imported:"},
}
_PAGE_LANG = re.compile(rb'<html[^>]*\slang="([a-z]{2,3})"')


def _banners(preview: Preview, page: bytes) -> str:
    """The build errors and the seeds that could not be imported, as the browser should show them while
    they last: above the page (never over its header), headed in the page's language; the problems
    themselves as the terminal shows them."""
    found = _PAGE_LANG.search(page[:2048])
    lang = found.group(1).decode() if found else "en"
    return _banner("build", preview.errors, lang) + _banner("seed", preview.seed_problems, lang)


def _banner(kind: str, problems: list[str], lang: str) -> str:
    if not problems:
        return ""
    heading = _HEADINGS[kind].get(lang, _HEADINGS[kind]["en"])
    lines = "\n".join(html.escape(line) for line in problems)
    return (
        f'<div role="alert" id="techdigest-{kind}-error" style="margin:0;'
        "padding:1rem 1.25rem;background:#8b0000;color:#fff;font:0.95rem/1.5 ui-monospace,monospace;"
        f'white-space:pre-wrap"><strong>{html.escape(heading)}</strong>\n'
        f"{lines}</div>"
    )


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True
