"""The build of the compiled matching engine (mypyc, see setup.py): its tools pinned to the
versions of constraints.txt, a pure Python engine (with a warning) where no C compiler works,
and a stale build told apart from a current one (scripts/engine_build.py, which scripts/check
runs before the tests: Python imports a module's compiled file before its .py)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
ENGINE = Path("service") / "matching"
#: This interpreter's name for a compiled module (`.cpython-311-x86_64-linux-gnu.so`).
COMPILED = EXTENSION_SUFFIXES[0]


def engine_build(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "engine_build.py"), str(root)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_engine_under_test_is_built_from_its_sources() -> None:
    done = engine_build(ROOT)
    assert done.returncode == 0, f"rebuild the engine (pip install -e .): {done.stdout}"


def _built_engine(root: Path, *modules: str) -> Path:
    """A checkout whose engine has `modules`, each compiled (fake files, later than the
    sources: only the times are compared)."""
    engine = root / ENGINE
    engine.mkdir(parents=True)
    for name in modules:
        (engine / f"{name}.py").write_text("")
        os.utime(engine / f"{name}.py", (1_000_000, 1_000_000))
        (engine / f"{name}{COMPILED}").write_bytes(b"")
        os.utime(engine / f"{name}{COMPILED}", (2_000_000, 2_000_000))
    return engine


def test_a_current_build_and_no_build_pass(tmp_path: Path) -> None:
    _built_engine(tmp_path / "built", "matcher", "scoring")
    done = engine_build(tmp_path / "built")
    assert (done.returncode, done.stdout) == (0, "the compiled engine is current\n")
    engine = _built_engine(tmp_path / "pure", "matcher")
    (engine / f"matcher{COMPILED}").unlink()
    done = engine_build(tmp_path / "pure")
    assert done.returncode == 0 and "not compiled: it runs as pure Python" in done.stdout


def test_an_edited_source_makes_the_build_stale(tmp_path: Path) -> None:
    engine = _built_engine(tmp_path, "matcher", "scoring")
    (engine / "scoring.py").touch()  # edited after the build
    done = engine_build(tmp_path)
    assert done.returncode == 1
    assert done.stdout.splitlines()[1:] == ["  scoring.py changed after the build"]


def test_an_added_or_removed_module_makes_the_build_stale(tmp_path: Path) -> None:
    engine = _built_engine(tmp_path, "matcher", "scoring")
    (engine / "scoring.py").unlink()
    (engine / "typos.py").write_text("")
    (engine / "other.cpython-399-x86_64-linux-gnu.so").write_bytes(b"")  # another Python's
    done = engine_build(tmp_path)
    assert done.returncode == 1
    assert done.stdout.splitlines()[1:] == [
        f"  scoring{COMPILED} has no source (removed after the build)",
        "  typos.py has no compiled module (added after the build)",
    ]


def _requirements(lines: list[str]) -> dict[str, str]:
    """name -> exact version of each `name==version` line, names normalised."""
    pins = {}
    for line in lines:
        if match := re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", line.strip()):
            pins[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    return pins


def test_the_build_tools_are_pinned_to_the_constraints() -> None:
    build = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    pins = _requirements(build)
    assert len(pins) == len(build), f"every build requirement pinned exactly: {build}"
    assert {"setuptools", "mypy", "rapidfuzz"} <= pins.keys()
    constraints = _requirements((ROOT / "constraints.txt").read_text().splitlines())
    assert {name: constraints.get(name) for name in pins} == pins


def _checkout(tmp_path: Path) -> Path:
    """What setup.py builds, copied, with a compiled module left by an earlier build."""
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / ENGINE, tmp_path / ENGINE, ignore=shutil.ignore_patterns("*.so"))
    (tmp_path / "service" / "__init__.py").write_text("")
    (tmp_path / ENGINE / f"matcher{COMPILED}").write_bytes(b"")
    return tmp_path


def _build_in_place(root: Path, **env: str) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("setuptools", reason="runs setup.py with the setuptools of this Python")
    return subprocess.run(
        [sys.executable, "setup.py", "-q", "build_ext", "--inplace"],
        cwd=root,
        env=os.environ | env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_without_a_c_compiler_the_engine_is_installed_as_pure_python(tmp_path: Path) -> None:
    root = _checkout(tmp_path)
    done = _build_in_place(root, CC=str(tmp_path / "no-such-cc"))
    assert done.returncode == 0, done.stderr
    assert "WARNING: the matching engine is not compiled (no C compiler found)" in done.stderr
    assert "apt-get install gcc" in done.stderr
    # The earlier build is gone: it would run instead of the sources.
    assert not list((root / ENGINE).glob(f"*{COMPILED}"))
    assert "not compiled" in engine_build(root).stdout


def test_a_failing_c_compiler_leaves_the_engine_pure_python(tmp_path: Path) -> None:
    root = _checkout(tmp_path)
    failing = shutil.which("false")
    assert failing is not None
    done = _build_in_place(root, CC=failing)
    assert done.returncode == 0, done.stderr
    assert "WARNING: the matching engine is not compiled (the C compiler failed" in done.stderr
    assert not list((root / ENGINE).glob(f"*{COMPILED}"))


def test_a_wheel_serves_the_seed_and_has_the_command(tmp_path: Path) -> None:
    """A wheel (pip install ., not editable) holds the seed watchlist, found from any working
    directory, and the `sanctions-screening` command. Built pure Python, which is quicker."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "service",
        source / "service",
        ignore=shutil.ignore_patterns(f"*{COMPILED}", "__pycache__"),
    )
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), "."],
        cwd=source,
        env=os.environ | {"SCREENING_PURE_PYTHON": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("sanctions_screening-*.whl")
    installed = tmp_path / "installed"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(installed)
        (entry_points,) = [n for n in archive.namelist() if n.endswith("entry_points.txt")]
        assert "sanctions-screening = service.__main__:main" in archive.read(entry_points).decode()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "WATCHLIST_PATH"}
    screened = subprocess.run(
        [sys.executable, "-m", "service", "screen", "BelAZ", "--json"],
        cwd=elsewhere,
        env=env | {"PYTHONPATH": str(installed)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert screened.returncode == 0, screened.stderr
    assert json.loads(screened.stdout)["matches"][0]["entity_id"] == "by-belaz"
    where = subprocess.run(
        [sys.executable, "-c", "import service.watchlist.loader as l; print(l.SEED_PATH)"],
        cwd=elsewhere,
        env=env | {"PYTHONPATH": str(installed)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert Path(where.stdout.strip()).is_relative_to(installed), where.stderr
