"""Words in a designation's reason, remarks or name that say "military-industrial".

Used by every source module to fill `Record.defence_evidence`; the merge table can override
the outcome per entity, with a written reason. Imports nothing from the seed.
"""

from __future__ import annotations

import re

#: Stems that, in a listing reason, say the party makes, repairs, sells or supplies military
#: goods or belongs to a military-industrial complex.
_DEFENCE_WORDS = re.compile(
    r"military|defen[cs]e|weapon|ammunition|armament|missile|artillery|munition|armed forces",
    re.IGNORECASE,
)


def defence_words(text: str) -> tuple[str, ...]:
    """The defence words found in `text`, lower case, sorted, without repeats."""
    return tuple(sorted({m.lower() for m in _DEFENCE_WORDS.findall(text)}))


def evidence(label: str, text: str) -> tuple[str, ...]:
    """("<label>: word, word",) when `text` has defence words, else ()."""
    words = defence_words(text)
    return (f"{label}: {', '.join(words)}",) if words else ()
