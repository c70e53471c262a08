"""Build hook: the matching engine (service/matching) is compiled to C with mypyc, which runs
its hot loops about twice as fast as CPython; everything else stays pure Python.

SCREENING_PURE_PYTHON=1 at install time skips the compilation (same code, slower).
"""

import os
from pathlib import Path

from setuptools import setup

ext_modules = []
if os.environ.get("SCREENING_PURE_PYTHON") != "1":
    from mypyc.build import mypycify

    sources = sorted(str(p) for p in Path("service/matching").glob("*.py"))
    # The engine imports only the standard library and rapidfuzz, so it is compiled on its
    # own, without the project's mypy configuration (whose pydantic plugin the build lacks).
    ext_modules = mypycify(["--config-file", os.devnull, "--strict", *sources], opt_level="3")

setup(ext_modules=ext_modules)
