"""Build hook: the matching engine (service/matching) is compiled to C with mypyc, which runs
its hot loops about twice as fast as CPython; everything else stays pure Python.

SCREENING_PURE_PYTHON=1 at install time skips the compilation (same code, slower). Without a C
compiler, or when mypyc or the compiler fails, the build warns and installs the engine as pure
Python instead of failing (pip shows a build's output with -v only: `scripts/check` says which
engine is installed). A pure build deletes the compiled files an earlier editable install left
beside the sources, which Python would otherwise import instead of them.
"""

import os
import shlex
import shutil
import sys
import sysconfig
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.errors import BaseError, CCompilerError

ENGINE = Path("service/matching")


#: What makes a build compiled again, after a compiler problem.
COMPILER_ADVICE = (
    "Install a C compiler and Python's headers (Debian: apt-get install gcc python3-dev), "
    "then install again."
)


def warn(reason: str, advice: str = COMPILER_ADVICE) -> None:
    print(
        f"WARNING: the matching engine is not compiled ({reason}). It runs as pure Python: the "
        f"same results, about half as fast. {advice}",
        file=sys.stderr,
    )


def remove_compiled() -> None:
    """The compiled engine of an earlier editable install: Python prefers it to the sources."""
    for built in [*ENGINE.glob("*.so"), *ENGINE.glob("*.pyd"), *Path().glob("*__mypyc.*")]:
        built.unlink()


def c_compiler() -> str | None:
    """The C compiler the build would run (CC, else the one Python was built with), if found."""
    command = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
    words = shlex.split(command)
    return shutil.which(words[0]) if words else None


def engine_extensions() -> list[Extension]:
    if os.environ.get("SCREENING_PURE_PYTHON") == "1":
        remove_compiled()
        return []
    if c_compiler() is None:
        warn("no C compiler found")
        remove_compiled()
        return []
    try:
        from mypyc.build import mypycify

        sources = sorted(str(p) for p in ENGINE.glob("*.py"))
        # The engine imports only the standard library and rapidfuzz, so it is compiled on its
        # own, without the project's mypy configuration (whose pydantic plugin the build lacks).
        extensions: list[Extension] = mypycify(
            ["--config-file", os.devnull, "--strict", *sources], opt_level="3"
        )
    except (Exception, SystemExit) as exc:  # mypyc reports a type error by exiting
        warn(f"mypyc failed: {exc}", "Its messages above say why.")
        remove_compiled()
        return []
    return extensions


class BuildEngine(build_ext):
    """Compiles the engine; when the compiler fails, warns and leaves it pure Python."""

    def run(self) -> None:
        try:
            super().run()
        except (CCompilerError, BaseError, OSError) as exc:
            warn(f"the C compiler failed: {exc}")
            self.extensions = []
            remove_compiled()


setup(ext_modules=engine_extensions(), cmdclass={"build_ext": BuildEngine})
