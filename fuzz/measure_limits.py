"""Timings behind the limits in docs/reliability.md (not run in CI: it takes minutes).

python fuzz/measure_limits.py lines 0.2 0.4 0.8        # brief of two run-on single-line articles
python fuzz/measure_limits.py lines 0.8 --no-cap       # the same without the sentence-length cap
python fuzz/measure_limits.py html 1 2 4 8             # read_paths on an HTML page of N MB
python fuzz/measure_limits.py html 1 5 --repeated      # ... of one paragraph repeated
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import storyline
import storyline.segment as segment
from storyline.ingest import read_paths

WORDS = (
    "rain flooded valley road Tuesday county close days officials said crews power homes bridge river".split()
)


def run_on_lines(mb: float) -> tuple[str, str]:
    """Two single-line texts of ``mb`` MB whose distinct words overlap by half (the worst case for
    token-set scoring: long sorted word lists that differ a lot)."""
    rng = random.Random(0)
    nw = int(mb * 1e6 / 8)
    vocab = [f"w{k}x" for k in range(int(nw * 1.5))]
    va, vb = vocab[:nw], vocab[nw // 2 :]
    return " ".join(rng.choice(va) for _ in range(nw)), " ".join(rng.choice(vb) for _ in range(nw))


def html_page(mb: float, repeated: bool) -> str:
    """An article page of ``mb`` MB: distinct paragraphs, or one paragraph repeated."""
    rng = random.Random(0)
    parts: list[str] = []
    size = 0
    while size < mb * 1024 * 1024:
        words = " ".join(rng.choice(WORDS) for _ in range(25))
        p = parts[0] if repeated and parts else f"<p>{words} {len(parts)}.</p>\n"
        parts.append(p)
        size += len(p)
    return "<html><body><article>" + "".join(parts) + "</article></body></html>"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["lines", "html"])
    ap.add_argument("sizes", nargs="+", type=float, help="MB")
    ap.add_argument("--no-cap", action="store_true", help="disable segment.MAX_SENTENCE_CHARS")
    ap.add_argument("--repeated", action="store_true", help="one paragraph repeated (html)")
    args = ap.parse_args()
    if args.no_cap:
        segment.MAX_SENTENCE_CHARS = 10**12
    for mb in args.sizes:
        if args.what == "lines":
            a, b = run_on_lines(mb)
            t0 = time.perf_counter()
            doc = storyline.brief([{"id": "a", "text": a}, {"id": "b", "text": b}])
            took = time.perf_counter() - t0
            cap = "no cap" if args.no_cap else f"cap {segment.MAX_SENTENCE_CHARS}"
            print(
                f"lines {len(a) / 1e6:.1f} MB x 2 ({cap}): brief {took:.1f}s, {len(doc.claims)} claims",
                flush=True,
            )
        else:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "page.html"
                path.write_text(html_page(mb, args.repeated))
                t0 = time.perf_counter()
                arts, errors = read_paths([str(path)])
                took = time.perf_counter() - t0
            kind = "repeated paragraph" if args.repeated else "distinct paragraphs"
            got = f"{len(arts[0].text):,} chars of text" if arts else errors[0].split(": ", 1)[1]
            print(f"html {mb:g} MB ({kind}): read {took:.1f}s, {got}", flush=True)


if __name__ == "__main__":
    main()
