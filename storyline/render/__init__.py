"""Renderers of a ``storyline.brief/1`` dict: JSON, Markdown and a self-contained HTML report."""

from __future__ import annotations

from typing import Any

from .html import render_html
from .json import render_json
from .markdown import render_markdown

__all__ = ["FORMATS", "render", "render_html", "render_json", "render_markdown"]

FORMATS = {"json": render_json, "md": render_markdown, "markdown": render_markdown, "html": render_html}


def render(brief: dict[str, Any], fmt: str) -> str:
    """Render ``brief`` (a dict, or anything with ``to_dict()``) as ``json``, ``md``/``markdown`` or ``html``."""
    fn = FORMATS.get(str(fmt).strip().lower())
    if fn is None:
        raise ValueError(f"unknown format {fmt!r}; expected one of: json, md, markdown, html")
    if not isinstance(brief, dict) and hasattr(brief, "to_dict"):
        brief = brief.to_dict()
    return fn(brief)
