"""Bytes -> text: a byte-order mark, UTF-8, a declared charset, plausible cp1252, then charset detection
(charset-normalizer); binary data is refused."""

from __future__ import annotations

import codecs
import re

from ..errors import InputError

_TEXT_CONTROL = {9, 10, 12, 13}


def is_binary(data: bytes) -> bool:
    """True for data that is not text: NUL bytes or many control characters in the first 4 KB."""
    head = data[:4096]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in _TEXT_CONTROL)
    return bool(head) and controls / len(head) > 0.05


def _is_binary_text(text: str) -> bool:
    """:func:`is_binary` for decoded text (UTF-16 with a byte-order mark skips the byte test)."""
    head = text[:4096]
    if "\x00" in head:
        return True
    controls = sum(1 for c in head if ord(c) < 32 and ord(c) not in _TEXT_CONTROL)
    return bool(head) and controls / len(head) > 0.05


_DECLARED = re.compile(
    rb"""(?:<meta[^>]{0,200}?charset|<\?xml[^>]{0,100}?encoding)\s*=\s*["']?\s*([\w.:-]{1,40})""", re.I
)
# What cp1252 text uses beyond ASCII: Latin-1 letters and signs, and cp1252's quotes, dashes and symbols.
_WESTERN = set(bytes(range(0xA0, 0x100)).decode("cp1252")) | set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ")
# Share of non-ASCII letters above which cp1252 is implausible: French, German, Spanish or Portuguese news
# has a few per cent; Cyrillic, Greek or CJK text read as cp1252 is nearly all accented letters.
MAX_WESTERN_ACCENTED = 0.3


def _declared(data: bytes) -> str | None:
    """Decode with the charset an HTML/XML head declares, when it names a known codec that fits the bytes."""
    m = _DECLARED.search(data[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace").lower()
    if name in {"iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii", "iso8859-1"}:
        name = "cp1252"  # as browsers do (WHATWG encoding standard)
    try:
        if codecs.lookup(name).name.startswith(("utf-16", "utf-32")):
            return None  # an ASCII-readable declaration cannot be true of UTF-16 bytes
        return data.decode(name)
    except (LookupError, UnicodeDecodeError, ValueError):
        return None


def _western(data: bytes) -> str | None:
    """cp1252 (a superset of printable Latin-1) when the bytes read as plausible Western European text.

    charset-normalizer guesses poorly on short Western texts (cp775 or cp1250 for an English line with
    curly quotes), so this common legacy case is checked first.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    high = [c for c in text if ord(c) > 127]
    if not high or any(c not in _WESTERN for c in high):
        return None
    letters = sum(1 for c in text if c.isalpha())
    accented = sum(1 for c in high if c.isalpha())
    return text if letters and accented / letters <= MAX_WESTERN_ACCENTED else None


def format_size(n: float) -> str:
    """A byte count for messages: ``21 MB``, ``1.5 MB``, ``4 KB``, ``12 bytes``."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n:.0f} bytes"


def decode_bytes(data: bytes, name: str = "input") -> str:
    """Decode article bytes; raises :class:`InputError` for empty or binary input."""
    text = _decode(data, name)
    if not text.strip():  # a byte-order mark or encoded white space alone is still an empty file
        raise InputError(f"{name}: file is empty")
    return text


def _decode(data: bytes, name: str) -> str:
    if not data.strip():
        raise InputError(f"{name}: file is empty")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
        if _is_binary_text(text):
            raise InputError(f"{name}: binary data, not a text or HTML article")
        return text
    if is_binary(data):
        raise InputError(f"{name}: binary data, not a text or HTML article")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for guess in (_declared(data), _western(data)):
        if guess is not None:
            return guess
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(f"{name}: unknown text encoding")
    return str(best)
