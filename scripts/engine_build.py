"""Whether the compiled matching engine beside service/matching/*.py (mypyc's modules, left
there by an editable install) was built from the sources as they are now. Python imports a
module's compiled file before its .py, so after an edit of the engine a stale build would be
tested and served, silently, instead of the edit.

`python scripts/engine_build.py [ROOT]` exits 0 when the build is current, or when there is
none (pure Python runs the sources), and 1 when it is stale: a source changed after its
compiled module (by modification time), a source without one (added since), or a compiled
module without its source (removed since). scripts/check rebuilds then. Standard library only.
"""

from __future__ import annotations

import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

ENGINE = Path("service") / "matching"


def compiled_modules(engine: Path) -> dict[str, Path]:
    """Each module compiled for this interpreter, by name (`matcher` ->
    `matcher.cpython-311-x86_64-linux-gnu.so`)."""
    found = {}
    for path in engine.iterdir():
        for suffix in EXTENSION_SUFFIXES:
            name = path.name.removesuffix(suffix)
            if name != path.name:
                if "." not in name:  # else another interpreter's (`x.cpython-312-....so`)
                    found[name] = path
                break
    return found


def stale_modules(engine: Path) -> list[str]:
    """What makes the build stale, one line per module; empty if current or not compiled."""
    built = compiled_modules(engine)
    if not built:
        return []
    sources = {path.stem: path for path in engine.glob("*.py")}
    problems = []
    for name in sorted(sources.keys() | built.keys()):
        source, binary = sources.get(name), built.get(name)
        if binary is None:
            problems.append(f"{name}.py has no compiled module (added after the build)")
        elif source is None:
            problems.append(f"{binary.name} has no source (removed after the build)")
        elif source.stat().st_mtime > binary.stat().st_mtime:
            problems.append(f"{name}.py changed after the build")
    return problems


def main(argv: list[str]) -> int:
    engine = Path(argv[0] if argv else ".") / ENGINE
    problems = stale_modules(engine)
    if problems:
        print(f"the compiled engine in {engine} is stale:", *problems, sep="\n  ")
        return 1
    if compiled_modules(engine):
        print("the compiled engine is current")
    else:
        print(
            "the engine is not compiled: it runs as pure Python, about half as fast "
            "(SCREENING_PURE_PYTHON=1, or no C compiler when it was installed)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
