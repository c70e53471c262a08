"""Writes docs/configuration.md from the `Settings` model (service/settings.py): each setting's
variable, default and the comment above it, section by section, so the page cannot drift from
the code. tests/test_settings.py fails when the committed page differs from what this writes.

    python scripts/configuration_page.py          # rewrite the page
    python scripts/configuration_page.py --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
from pathlib import Path

from pydantic import AliasChoices
from pydantic.fields import FieldInfo

from service import settings as settings_module
from service.settings import ENV_PREFIX, Settings

PAGE = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"
#: The comment line that opens a section of the model: `# --- Data and backends -----`.
_SECTION = re.compile(r"^\s*# --- (.+?) -+$")

INTRO = """\
# Configuration

<!-- Written by scripts/configuration_page.py from service/settings.py: edit the comments
there, then run the script. -->

Every setting is an environment variable, also read from a `.env` file in the working
directory (the environment wins). `WATCHLIST_PATH`, `REDIS_URL` and `DATABASE_URL` may be given
with or without the `SCREENING_` prefix. A value the model refuses stops the service at start,
saying which. How the watchlist sources and the result cache behave:
[operations](operations.md#watchlist-sources), [the result cache](operations.md#the-result-cache).
"""


def _variable(name: str, field: FieldInfo) -> str:
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        plain = [choice for choice in alias.choices if isinstance(choice, str)]
        return f"`{plain[-1]}`"
    return f"`{ENV_PREFIX}{name.upper()}`"


def _size(value: int, unit: str) -> str:
    for size, name in ((1 << 30, "GiB"), (1 << 20, "MiB")):
        if value >= size and value % size == 0:
            return f"{value} ({value // size} {name}{unit})"
    return str(value)


def _default(name: str, field: FieldInfo) -> str:
    value = field.default
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if value in ((), ""):
        return "empty"
    if isinstance(value, Path | str):
        return f"`{value}`"
    if isinstance(value, int) and name.endswith("_bytes"):
        return _size(value, "")
    if isinstance(value, int) and name.endswith("_seconds") and value >= 86400:
        days = value // 86400
        return f"{value} ({days} day{'s' * (days > 1)})"
    return str(value)


def _comments() -> dict[str, tuple[str, str]]:
    """Each field's section and the `#:` comment above it, from the model's source."""
    source = inspect.getsource(settings_module)
    lines = source.splitlines()
    (model,) = [
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.ClassDef) and node.name == Settings.__name__
    ]
    found: dict[str, tuple[str, str]] = {}
    for node in model.body:
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)):
            continue
        comment: list[str] = []
        row = node.lineno - 2
        while row >= 0 and lines[row].strip().startswith("#:"):
            comment.insert(0, lines[row].strip().removeprefix("#:").strip())
            row -= 1
        section = next(
            (m.group(1) for line in reversed(lines[: node.lineno]) if (m := _SECTION.match(line))),
            "",
        )
        found[node.target.id] = (section, " ".join(comment))
    return found


def page() -> str:
    comments = _comments()
    out = [INTRO.rstrip()]
    current = None
    for name, field in Settings.model_fields.items():
        section, comment = comments[name]
        if not comment:
            raise SystemExit(f"settings.{name} has no `#:` comment to document it")
        if section != current:
            out += ["", f"## {section}", "", "| variable | default | meaning |", "|---|---|---|"]
            current = section
        meaning = comment.replace("|", "\\|")
        out.append(f"| {_variable(name, field)} | {_default(name, field)} | {meaning} |")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    text = page()
    if "--check" in argv:
        if PAGE.read_text(encoding="utf-8") != text:
            print(f"{PAGE} is out of date: run python scripts/configuration_page.py")
            return 1
        return 0
    PAGE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
