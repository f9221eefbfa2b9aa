"""`annotator gui --screenshot` in its own process, as a user (or the README's make target) runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def render(url: str, out: Path, config: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the screenshot command off screen with settings kept in ``config``; extra ``env`` on top."""
    full = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(config), **env}
    return subprocess.run(
        [sys.executable, "-m", "annotator.cli", "--db", url, "gui", "--screenshot", str(out)],
        capture_output=True,
        text=True,
        env=full,
        timeout=120,
        check=False,
    )
