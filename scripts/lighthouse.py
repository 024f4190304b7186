"""Lighthouse scores (mobile) for the home and an article page in both languages.

Usage: python scripts/lighthouse.py [SITE_DIR]   (default: site/, built by `make site`)

Installs Lighthouse 12 from npm into ~/.cache/techdigest-lighthouse on first use (13 needs a
newer Node than Debian's), serves the site on a loopback port and runs Debian's Chromium.
Fails unless accessibility, best practices and SEO score 100 and performance at least 95.
A check script, not a test: Lighthouse's performance score varies from run to run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CACHE = Path.home() / ".cache" / "techdigest-lighthouse"
PAGES = ["de/", "en/", "de/2026/openai-cerebras/", "en/2026/openai-cerebras/"]
MINIMUM = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-quic "
    "--no-first-run --disable-background-networking --disable-component-update --disable-sync"
)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def lighthouse() -> Path:
    binary = CACHE / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--prefix", str(CACHE), "--no-audit", "--no-fund", "--loglevel=error", "lighthouse@12"],
            check=True,
            env={**os.environ, "CHROMEDRIVER_SKIP_DOWNLOAD": "true"},
        )
    return binary


def main(site: Path) -> int:
    binary = lighthouse()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    failed = False
    try:
        for path in PAGES:
            with tempfile.TemporaryDirectory() as work:
                report = Path(work) / "report.json"
                subprocess.run(
                    [
                        str(binary),
                        f"http://127.0.0.1:{server.server_port}/{path}",
                        "--quiet",
                        "--output=json",
                        f"--output-path={report}",
                        "--only-categories=" + ",".join(MINIMUM),
                        f"--chrome-flags={CHROME_FLAGS} --user-data-dir={work}/profile",
                    ],
                    check=True,
                    env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
                )
                categories = json.loads(report.read_text())["categories"]
            scores = {name: round(categories[name]["score"] * 100) for name in MINIMUM}
            low = [name for name, score in scores.items() if score < MINIMUM[name]]
            failed |= bool(low)
            print(
                f"{path:<28} "
                + "  ".join(f"{name} {score:>3}" for name, score in scores.items())
                + (f"   BELOW: {', '.join(low)}" if low else "")
            )
    finally:
        server.shutdown()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "site")))
