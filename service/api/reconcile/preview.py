"""The preview of a listed entity: a small HTML page that a reconciliation client shows in a
frame beside a candidate. Every value from the watchlist is escaped; the page has no script,
no link and no image, and its one style sheet is inline, allowed by its hash.

No web framework: the handler sends what `page` returns with `policy`'s header.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape

from service.api.reconcile.extension import listing_text
from service.watchlist.model import Entity

#: The frame the manifest asks clients to show a preview in, in CSS pixels.
WIDTH, HEIGHT = 420, 260
#: Most aliases and listings shown (the frame is small).
_SHOWN = 6
STYLE = (
    "body{font:13px/1.4 system-ui,sans-serif;margin:8px;color:#1a1a1a}"
    "h1{font-size:15px;margin:0 0 4px}p{margin:2px 0}ul{margin:2px 0 4px 18px;padding:0}"
    ".tag{display:inline-block;background:#b00020;color:#fff;border-radius:3px;padding:0 4px}"
    ".muted{color:#555}"
)
_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()


def policy(frame_ancestors: str) -> str:
    """The page's CSP: its inline style alone, framed only by `frame_ancestors`."""
    return (
        f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; "
        f"frame-ancestors {frame_ancestors}; base-uri 'none'; form-action 'none'"
    )


def page(entity: Entity) -> str:
    """The preview of `entity`."""
    parts = [
        f"<h1>{escape(entity.name)}</h1>",
        f'<p class="muted">{escape(entity.schema_.value)} · {escape(entity.id)}</p>',
    ]
    if entity.defence:
        parts.append('<p><span class="tag">defence</span></p>')
    if entity.country:
        parts.append(f"<p>Countries: {escape(', '.join(entity.country))}</p>")
    parts += _list("Also known as", list(entity.all_names[1:]))
    parts += _list("Listed", [listing_text(listing) for listing in entity.listings])
    parts += _list("Identifiers", [f"{i.type.value.upper()} {i.value}" for i in entity.identifiers])
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(entity.name)}</title><style>{STYLE}</style></head>\n"
        f"<body>\n{body}\n</body></html>\n"
    )


def _list(label: str, items: list[str]) -> list[str]:
    if not items:
        return []
    shown = "".join(f"<li>{escape(item)}</li>" for item in items[:_SHOWN])
    more = f'<li class="muted">and {len(items) - _SHOWN} more</li>' if len(items) > _SHOWN else ""
    return [f"<p>{escape(label)}:</p><ul>{shown}{more}</ul>"]
