"""Screenshot of one article in German and English side by side, from a built site.

Usage: python scripts/screenshot.py SITE_DIR OUT.png [ARTICLE_PATH]
Serves SITE_DIR on a free loopback port and drives Debian's Chromium with Playwright.
"""

from __future__ import annotations

import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

WIDTH, HEIGHT = 720, 1280


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main(site: Path, out: Path, article: str) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    frames = "".join(
        f'<iframe src="{base}{lang}/{article}" width="{WIDTH}" height="{HEIGHT}"></iframe>' for lang in ("de", "en")
    )
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
            )
            tab = browser.new_page(viewport={"width": 2 * WIDTH + 24, "height": HEIGHT + 16})
            tab.set_content(
                f'<body style="margin:8px;display:flex;gap:8px;background:#8a9099">{frames}</body>', wait_until="load"
            )
            out.parent.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(out))
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__.strip().splitlines()[2])
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] if len(sys.argv) == 4 else "2026/openai-cerebras/")
