"""The compiled matching engine (mypyc, see setup.py) must be built from the current sources:
Python imports a module's compiled extension before its .py file, so a stale build would test
and serve old code."""

from pathlib import Path

import service.matching

ENGINE = Path(service.matching.__path__[0])


def test_compiled_engine_is_not_older_than_its_sources() -> None:
    stale = []
    for source in ENGINE.glob("*.py"):
        for built in ENGINE.glob(f"{source.stem}.*.so"):
            if built.stat().st_mtime < source.stat().st_mtime:
                stale.append(source.name)
    assert not stale, f"rebuild the engine (pip install -e .): stale compiled {stale}"
