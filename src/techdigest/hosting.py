"""Files GitHub Pages reads: ``.nojekyll`` (no Jekyll processing) and ``CNAME`` (the custom domain).

The build writes them, so ``deploy`` publishes the built folder as it is.
"""

from __future__ import annotations

from .config import Config
from .output import Output, fixed


def publishing_files(config: Config) -> list[Output]:
    files = [fixed(".nojekyll", b"")]
    if config.cname:
        files.append(fixed("CNAME", config.cname.encode() + b"\n"))
    return files
