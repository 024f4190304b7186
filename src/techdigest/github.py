"""The GitHub REST API, for ``techdigest feedback --github``: the only module talking to GitHub.

It lists a repository's issues (``GET /repos/OWNER/REPO/issues?state=all``,
100 a page, following the ``Link`` header's ``next``) with the standard
library's ``urllib``, as GitHub documents: ``Accept: application/vnd.github+json``
and ``X-GitHub-Api-Version``; a token from ``GITHUB_TOKEN`` or ``GH_TOKEN``
(optional for a public repository, never shown); the API's address from
``GITHUB_API_URL`` as GitHub's own tools read it (GitHub Enterprise Server).

The token goes only to the API's own address: a redirect is followed only to the
same scheme, host and port (GitHub answers ``301`` for a moved repository), any
other is refused, and so is a next page elsewhere.

What was fetched is kept in ``.techdigest-cache/github/API/OWNER--REPO.json``, one
file per API address and repository, written after every page: the list is asked
for sorted by ``updated`` ascending, so the newest ``updated_at`` seen so far is
where the next run goes on (``since=``), also after a run stopped part-way (a
rate limit). A run that got every page sends the first page's ``ETag`` back the
next time (``If-None-Match``), so an unchanged repository answers ``304 Not
Modified``, which costs no rate limit; the issues seen before still count. Pull
requests (GitHub lists them among the issues, with a ``pull_request`` key) are left out.

The repository a git remote names on github.com (:func:`github_repository`) is
read here too, for ``deploy`` and ``feedback`` alike.

A used-up rate limit (403 or 429 with ``X-RateLimit-Remaining: 0`` and
``X-RateLimit-Reset``, or ``Retry-After``) is waited for when the wait is
short, else it is one line saying when the limit resets; a bad token (401) and
an unknown repository (404) are one line each too.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from email.message import Message
from http.client import HTTPMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from .model import TechdigestError, excerpt

DEFAULT_API = "https://api.github.com"
API_VERSION = "2022-11-28"
MAX_WAIT = 60.0  # seconds a used-up rate limit is waited for; a longer wait is an error
TIMEOUT = 30.0  # seconds one request may take
REPOSITORY = re.compile(r"[A-Za-z0-9-]+/[A-Za-z0-9_.-]+")  # OWNER/REPO as GitHub allows them
_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')
# a remote on github.com, as ``git remote get-url`` gives it: https (with or without a user), ssh
# (scp-like ``git@github.com:OWNER/REPO``, also ``:/OWNER/REPO``, or ``ssh://git@github.com/OWNER/REPO``),
# ``.git`` or not; the scheme and host in any case, as git and GitHub take them
_GITHUB_REMOTE = re.compile(
    r"(?i:https://(?:[^@/]+@)?github\.com/|ssh://git@github\.com(?::\d+)?/|git@github\.com:/?)"
    r"(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)/(?P<repo>[A-Za-z0-9._-]+?)(?:\.git)?/?"
)


def github_repository(url: str) -> str:
    """``OWNER/REPO`` of a github.com remote URL, "" for any other (a local path, another host)."""
    found = _GITHUB_REMOTE.fullmatch(url.strip())
    return f"{found['owner']}/{found['repo']}" if found and found["repo"] not in (".", "..") else ""


def remote_repository(folder: Path, remote: str) -> str:
    """``OWNER/REPO`` on GitHub that ``remote`` of the git repository at ``folder`` pushes to; "" when
    it is not on github.com, there is no such remote, or no git repository (or no git) at all."""
    try:
        found = subprocess.run(
            ["git", "remote", "get-url", "--push", remote], cwd=folder, capture_output=True, text=True, check=True
        )
    except (subprocess.CalledProcessError, OSError):
        return ""
    return github_repository(found.stdout)


class GitHubError(TechdigestError):
    """A request GitHub refused or could not answer: one line, never the token."""


@dataclass(frozen=True)
class Issue:
    """An issue as the ratings need it."""

    number: int
    title: str
    body: str
    created_at: str
    updated_at: str
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    """Where and as whom to ask: from the environment (:func:`settings_from`)."""

    api_url: str = DEFAULT_API
    token: str = field(default="", repr=False)
    max_wait: float = MAX_WAIT


def settings_from(environ: Mapping[str, str]) -> Settings:
    """``GITHUB_API_URL`` (else api.github.com) and the token of ``GITHUB_TOKEN``, else ``GH_TOKEN``."""
    token = environ.get("GITHUB_TOKEN") or environ.get("GH_TOKEN") or ""
    return Settings((environ.get("GITHUB_API_URL") or DEFAULT_API).rstrip("/"), token.strip())


@dataclass
class _Cache:
    """What an earlier run fetched: every issue by number, the newest ``updated_at``, the last ETag."""

    api: str  # the API's address: what the cache holds came from there
    issues: dict[str, dict[str, Any]] = field(default_factory=dict)
    since: str = ""
    url: str = ""  # the first page's URL the ETag belongs to ("": the last run did not get every page)
    etag: str = ""

    @classmethod
    def read(cls, path: Path, api: str) -> _Cache:
        """The cache at ``path``; a missing, unreadable or other API's one is an empty cache (all is fetched)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data["api"] == api:
                return cls(api, dict(data["issues"]), str(data["since"]), str(data["url"]), str(data["etag"]))
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            pass
        return cls(api)

    def add(self, items: list[dict[str, Any]]) -> None:
        for item in items:
            if "pull_request" not in item:
                self.issues[str(item["number"])] = _kept(item)
            self.since = max(self.since, str(item.get("updated_at", "")))

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        aside = path.with_name(f".{path.name}.tmp")
        aside.write_text(json.dumps(asdict(self), ensure_ascii=False, sort_keys=True), encoding="utf-8")
        aside.replace(path)


def repository_issues(
    repo: str,
    settings: Settings,
    cache_dir: Path,
    *,
    sleep: Callable[[float], None] = time.sleep,
    now: Callable[[], float] = time.time,
) -> list[Issue]:
    """Every issue of ``repo`` (open and closed, no pull requests), oldest first; only what changed
    since the last run is fetched, and what a run fetched is kept even when a later page is refused
    (see the module's docstring)."""
    path = cache_path(cache_dir, settings.api_url, repo)
    cache = _Cache.read(path, settings.api_url)
    # sorted by updated, oldest first: everything before the newest updated_at seen has been seen
    query = {"state": "all", "sort": "updated", "direction": "asc", "per_page": "100"}
    if cache.since:
        query["since"] = cache.since
    url = f"{settings.api_url}/repos/{repo}/issues?{urlencode(query)}"
    first, etag, first_etag = url, cache.etag if cache.url == url else "", ""
    client = _Client(settings, repo, sleep, now)
    pages = 0
    try:
        while url:
            page = client.get(url, etag)
            if page is None:  # 304: nothing changed since the cache was written
                break
            items, headers = page
            first_etag = headers.get("ETag", "") if url == first else first_etag
            cache.add(items)
            pages += 1
            url, etag = _next_page(headers.get("Link", ""), settings.api_url), ""
            # the ETag stands for the whole answer only once every page of it is in
            cache.url, cache.etag = ("", "") if url else (first, first_etag)
            cache.write(path)
    except GitHubError as exc:
        if not pages:
            raise
        cache.url = cache.etag = ""
        cache.write(path)
        kept = f"the {pages} page{'s' if pages != 1 else ''} fetched are kept, the next run goes on from there"
        raise GitHubError(f"{exc} ({kept})") from None
    return sorted((_issue(data) for data in cache.issues.values()), key=lambda issue: issue.number)


def cache_path(cache_dir: Path, api_url: str, repo: str) -> Path:
    """Where the issues of ``repo`` at the API ``api_url`` are kept: a folder per API address (its host,
    port and path, readable), a file per repository; the cache also names its API (:class:`_Cache`)."""
    parts = urlsplit(api_url)
    api = re.sub(r"[^A-Za-z0-9.-]+", "_", f"{parts.netloc}{parts.path}").strip("_.") or "api"
    return cache_dir / api / (repo.replace("/", "--") + ".json")


def _kept(item: dict[str, Any]) -> dict[str, Any]:
    """The fields of an issue the ratings use (the cache keeps nothing else)."""
    labels = [label.get("name", "") if isinstance(label, dict) else str(label) for label in item.get("labels", [])]
    return {
        "number": int(item["number"]),
        "title": str(item.get("title") or ""),
        "body": str(item.get("body") or ""),
        "created_at": str(item.get("created_at") or ""),
        "updated_at": str(item.get("updated_at") or ""),
        "labels": labels,
    }


def _issue(data: dict[str, Any]) -> Issue:
    return Issue(
        data["number"], data["title"], data["body"], data["created_at"], data["updated_at"], tuple(data["labels"])
    )


def _origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host (in lower case) and port (the scheme's default when none is given) of ``url``."""
    parts = urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    except ValueError:  # not a port number: no origin the API has
        port = -1
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect (with every header, the token too) only to the same scheme, host and port."""

    def redirect_request(  # noqa: PLR0913, PLR0917 - urllib's signature
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if _origin(newurl) != _origin(req.full_url):
            fp.close()
            scheme, host, port = _origin(req.full_url)
            raise GitHubError(
                f"GitHub: {code} redirect away from {scheme}://{host}:{port} refused (the token goes only to the"
                f" API): {excerpt(newurl)}"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_SameOriginRedirects)


def _next_page(link: str, api_url: str) -> str:
    """The ``Link`` header's next page, "" after the last; never another host (the token goes with it)."""
    found = _NEXT.search(link)
    if found and not found.group(1).startswith(api_url + "/"):
        raise GitHubError(f"GitHub: the next page is not at {api_url}: {excerpt(found.group(1))}")
    return found.group(1) if found else ""


@dataclass(frozen=True)
class _Client:
    settings: Settings
    repo: str
    sleep: Callable[[float], None]
    now: Callable[[], float]

    def get(self, url: str, etag: str) -> tuple[list[dict[str, Any]], Message] | None:
        """One page of JSON and its headers; None for 304. A short rate-limit wait is waited once."""
        for attempt in range(2):
            try:
                with _OPENER.open(self._request(url, etag), timeout=TIMEOUT) as response:
                    return self._items(response.read()), response.headers
            except urllib.error.HTTPError as exc:
                if exc.code == 304:  # noqa: PLR2004 - Not Modified
                    return None
                wait = self._refused(exc)
                if attempt:
                    raise GitHubError(
                        f"GitHub: still rate-limited after waiting {wait:.0f} s; try again later"
                    ) from None
                self.sleep(wait)
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                reason = getattr(exc, "reason", None) or exc
                raise GitHubError(f"GitHub API at {self.settings.api_url} cannot be reached: {reason}") from None
        raise AssertionError  # unreachable: the second attempt returns or raises

    def _request(self, url: str, etag: str) -> urllib.request.Request:
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": "techdigest-feedback",
        }
        if self.settings.token:
            headers["Authorization"] = f"Bearer {self.settings.token}"
        if etag:
            headers["If-None-Match"] = etag
        return urllib.request.Request(url, headers=headers)  # noqa: S310 - see get

    def _items(self, body: bytes) -> list[dict[str, Any]]:
        try:
            items = json.loads(body)
        except ValueError:
            items = None
        if not isinstance(items, list) or not all(isinstance(i, dict) and "number" in i for i in items):
            raise GitHubError(f"GitHub: the issues of {self.repo} came back as something else than a list of issues")
        return items

    def _refused(self, exc: urllib.error.HTTPError) -> float:
        """The seconds to wait before asking again (a short rate-limit wait); else the error as one line."""
        headers = exc.headers
        if exc.code == 401:  # noqa: PLR2004
            raise GitHubError(
                "GitHub: 401 bad credentials: the token in GITHUB_TOKEN or GH_TOKEN is not valid"
            ) from None
        if exc.code == 404:  # noqa: PLR2004
            raise GitHubError(
                f"GitHub: 404 no repository {self.repo} at {self.settings.api_url}"
                + ("" if self.settings.token else " (a private one needs a token in GITHUB_TOKEN or GH_TOKEN)")
            ) from None
        wait = self._rate_limit_wait(exc.code, headers)
        if wait is None:
            raise GitHubError(f"GitHub: {exc.code} {excerpt(_message(exc))} for the issues of {self.repo}") from None
        if wait > self.settings.max_wait:
            until = dt.datetime.fromtimestamp(self.now() + wait, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
            hint = "" if self.settings.token else "; a token in GITHUB_TOKEN or GH_TOKEN gives a higher limit"
            raise GitHubError(f"GitHub: rate limit used up until {until} (in {wait / 60:.0f} min){hint}") from None
        return wait

    def _rate_limit_wait(self, code: int, headers: Message) -> float | None:
        """Seconds until a rate limit resets, or None when the refusal is no rate limit."""
        if code not in (403, 429):
            return None
        retry = headers.get("Retry-After", "")
        if retry.isdigit():
            return float(retry)
        reset = headers.get("X-RateLimit-Reset", "")
        if headers.get("X-RateLimit-Remaining") == "0" and reset.isdigit():
            return max(0.0, int(reset) - self.now())
        return None


def _message(exc: urllib.error.HTTPError) -> str:
    """GitHub's own ``message`` of an error response, else the HTTP reason."""
    try:
        return str(json.loads(exc.read())["message"])
    except (ValueError, KeyError, TypeError, OSError):
        return str(exc.reason)
