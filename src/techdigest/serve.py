"""``techdigest serve``: build, serve with live reload, rebuild on every change.

The only module that imports livereload (and its web server, tornado). It
holds no build logic: it calls :func:`build` with the previous build's state,
so a rebuild only does the work the change needs. The browser is told to
reload only after a rebuild has finished, and only when an output file changed
or the error state did. A broken edit never stops the server: the last good
site stays served, with the error (file and line) shown on top of every page
until a good save recovers by itself. Ratings sent with the feedback form are
stored as JSON lines; the build output lives in a temporary folder, so the
live-reload script never reaches ``site/``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher as _PollingWatcher
from tornado import web
from tornado.ioloop import IOLoop

from . import urls
from .build import build
from .cache import BuildState
from .config import Config, load_config, with_base_url
from .feedback import Rejected, append, check_request, parse_submission
from .importer import import_seeds, seed_files
from .model import TechdigestError
from .watch import Watcher

WATCHED = ["content", "templates", "locales", "seeds", "techdigest.toml"]
FEEDBACK_PATH = "_feedback"


@dataclass
class Preview:
    """What the server knows between rebuilds: the last good build and the current error."""

    root: Path
    output: Path
    base_url: str
    feedback_file: Path
    state: BuildState = field(default_factory=BuildState)
    errors: list[str] = field(default_factory=list)
    config: Config | None = None

    def rebuild(self, changed: set[Path]) -> bool:
        """Import new seeds, build; True when the browser should reload."""
        had_errors = bool(self.errors)
        try:
            config = self._config()
            if any(p.is_relative_to(self.root / "seeds") for p in changed):
                for problem in import_seeds(config, seed_files(config), dt.date.today()).problems:
                    print(f"error: {problem}", file=sys.stderr)
            # after a failed build, files changed then are not in this burst: look at all of them
            report = build(config, output=self.output, previous=self.state, preview=True,
                           changed=None if had_errors else changed)
        except TechdigestError as exc:
            self.errors = exc.lines()
            for line in self.errors:
                print(f"error: {line}", file=sys.stderr, flush=True)
            return True
        self.state, self.config, self.errors = report.state, config, []
        print(report.summary(), flush=True)
        return report.written > 0 or had_errors

    def articles(self) -> set[str]:
        return {article.slug for _, _, article in self.state.parsed.values()}

    def _config(self) -> Config:
        """The project's config as published at the preview address, posting ratings here."""
        config = with_base_url(load_config(self.root), self.base_url)
        return dataclasses.replace(config, feedback_endpoint=urls.site_path(config.base_url, FEEDBACK_PATH))


def serve(root: Path, host: str, port: int, base_path: str, feedback_file: Path) -> None:
    base_path = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
    output = Path(tempfile.mkdtemp(prefix="techdigest-serve-"))
    preview = Preview(root.resolve(), output, f"http://{host}:{port}{base_path}", feedback_file.resolve())
    preview.rebuild(set())
    loop = IOLoop.current()

    def rebuild_and_reload(changed: set[Path]) -> None:
        if preview.rebuild(changed):
            LiveReloadHandler.reload_waiters(path="*")

    def on_change(changed: set[Path]) -> None:  # on the watcher's thread: hop to the server's
        loop.add_callback(rebuild_and_reload, changed)

    watcher = Watcher(preview.root, WATCHED, on_change, quiet=0.1)
    watcher.start()
    print(f"serving {preview.base_url} (Ctrl-C stops)", flush=True)
    try:
        _PreviewServer(preview, base_path).serve(host=host, port=port, root=str(output), live_css=False)
    except OSError as exc:  # the address is taken, or not ours to listen on
        raise TechdigestError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
    finally:
        watcher.stop()
        shutil.rmtree(output, ignore_errors=True)


class _EventsOnly(_PollingWatcher):
    """Turns off livereload's own 800 ms polling: our watcher tells it when to reload."""

    def __init__(self) -> None:
        super().__init__()
        self._tasks = {"techdigest": {}}  # livereload would watch the whole folder if this were empty

    def start(self, callback: Callable[[], None]) -> bool:
        return True


class _PreviewServer(Server):
    def __init__(self, preview: Preview, base_path: str) -> None:
        super().__init__(watcher=_EventsOnly())
        self.preview = preview
        self.base_path = base_path

    def get_web_handlers(self, script: bytes) -> list[tuple]:
        options = {"path": str(self.preview.output), "default_filename": "index.html", "preview": self.preview}
        handlers: list[tuple] = [
            (self.base_path + FEEDBACK_PATH, _FeedbackHandler, {"preview": self.preview}),
            (self.base_path + "(.*)", _SiteHandler, options),
        ]
        if self.base_path != "/":  # as on GitHub Pages: nothing outside the project's path
            handlers.append((r"/.*", _OutsideHandler, {"base_path": self.base_path}))
        return handlers


class _SiteHandler(web.StaticFileHandler):
    """The built site, GitHub Pages style (404.html for what is missing), never cached."""

    def initialize(self, path: str, default_filename: str, preview: Preview) -> None:
        super().initialize(path, default_filename)
        self.preview = preview

    async def get(self, path: str, include_body: bool = True) -> None:
        if self.preview.errors and (path == "" or path.endswith(("/", ".html"))):
            page = Path(self.root) / (path + "index.html" if path == "" or path.endswith("/") else path)
            if page.is_file():
                self.set_header("Content-Type", "text/html; charset=UTF-8")
                self.finish(_with_errors(page.read_text(encoding="utf-8"), self.preview.errors))
                return
        await super().get(path, include_body)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")

    def compute_etag(self) -> None:  # a preview is never cached, and pages with errors have no file to hash
        return None

    def write_error(self, status_code: int, **kwargs: object) -> None:
        not_found = Path(self.root) / urls.NOT_FOUND
        if status_code == 404 and not_found.is_file():
            text = not_found.read_text(encoding="utf-8")
        else:
            text = f"<!DOCTYPE html><html><head><title>{status_code}</title></head><body></body></html>"
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(_with_errors(text, self.preview.errors))


class _OutsideHandler(web.RequestHandler):
    def initialize(self, base_path: str) -> None:
        self.base_path = base_path

    def get(self) -> None:
        if self.request.path == "/":
            self.redirect(self.base_path)
        else:
            raise web.HTTPError(404)


class _FeedbackHandler(web.RequestHandler):
    """Accepts the rating form: stores one JSON line, then thanks the reader in their language."""

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def post(self) -> None:
        config = self.preview.config
        try:
            check_request(self.request.headers.get("Content-Type", ""), len(self.request.body))
            fields = {name: self.get_body_argument(name, "") for name in ("article", "lang", "rating", "comment")}
            languages = config.languages if config else ()
            submission = parse_submission(fields, self.preview.articles(), languages, dt.datetime.now(dt.UTC))
        except Rejected as exc:
            self.set_status(exc.status)
            self.finish({"ok": False, "error": str(exc)})
            return
        append(self.preview.feedback_file, submission)
        print(f"feedback: {submission.article} ({submission.lang}) rated {submission.rating}/5", flush=True)
        if "application/json" in self.request.headers.get("Accept", ""):
            self.finish({"ok": True})
        else:
            self.redirect(urls.site_path(self.preview.base_url, urls.feedback_thanks(submission.lang)), status=303)


def _with_errors(page: str, errors: list[str]) -> str:
    """The page with the build errors on top, as the browser should show them while they last."""
    if not errors:
        return page
    lines = "\n".join(html.escape(line) for line in errors)
    banner = (
        '<div role="alert" id="techdigest-build-error" style="position:sticky;top:0;z-index:1000;margin:0;'
        "padding:1rem 1.25rem;background:#8b0000;color:#fff;font:0.95rem/1.5 ui-monospace,monospace;"
        'white-space:pre-wrap"><strong>Build failed; showing the last good version.</strong>\n'
        f"{lines}</div>"
    )
    return page.replace("<body>", "<body>" + banner, 1) if "<body>" in page else banner + page

