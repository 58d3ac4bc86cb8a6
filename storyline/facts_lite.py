"""Placeholder replaced once facts.py lands."""

import re

_Q = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?![\w])")
_YEAR = re.compile(r"^(1[89]|20)\d\d$")
_MONTH = re.compile(
    r"(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?\s*$",
    re.I,
)


def quantity_tokens(text: str) -> list[str]:
    out = []
    for m in _Q.finditer(text):
        tok = m.group(0).rstrip(",")
        if _YEAR.match(tok) or _MONTH.search(text[max(0, m.start() - 12) : m.start()]):
            continue
        if re.match(r"\s*(?:to|-)\s*\d", text[m.end() : m.end() + 5]) and _MONTH.search(
            text[max(0, m.start() - 20) : m.start()]
        ):
            continue
        out.append(tok)
    return out
