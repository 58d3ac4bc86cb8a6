"""Bytes -> text: UTF-8 first, then charset detection; binary data is refused."""

from __future__ import annotations

from ..errors import InputError

_TEXT_CONTROL = {9, 10, 12, 13}


def is_binary(data: bytes) -> bool:
    """True for data that is not text: NUL bytes or many control characters in the first 4 KB."""
    head = data[:4096]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in _TEXT_CONTROL)
    return bool(head) and controls / len(head) > 0.05


def decode_bytes(data: bytes, name: str = "input") -> str:
    """Decode article bytes; raises :class:`InputError` for empty or binary input."""
    if not data.strip():
        raise InputError(f"{name}: file is empty")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if is_binary(data):
        raise InputError(f"{name}: binary data, not a text or HTML article")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(f"{name}: unknown text encoding")
    return str(best)
