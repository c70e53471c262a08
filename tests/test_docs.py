"""The documentation site (mkdocs.yml, docs/) builds with `mkdocs build --strict`: a broken
link or anchor, a page missing from the navigation, or a failing hook fails the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    pytest.importorskip(
        "mkdocs", reason="mkdocs-material is in the dev extra: pip install -e '.[dev]'"
    )
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        env=os.environ | {"NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert built.returncode == 0, built.stderr
    site = tmp_path / "site"
    assert (site / "configuration" / "index.html").exists()
    # The OpenAPI document of the code, written by the hook (scripts/docs_hooks.py).
    assert '"/v1/screen"' in (site / "openapi.json").read_text(encoding="utf-8")
