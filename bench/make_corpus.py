"""Build a large synthetic news corpus from the dev articles with realistic perturbations.

Each output article is an original dev article (ECB+, BASIL, NeuS leads, UCI headlines) or a variant of
one: a rewrite (words dropped, swapped or replaced), junk lines (ads, share buttons, cookie notices),
truncation, sentence reordering, or several of these. Variants get a date within days of their
original; originals are spread over a year, so the time window bounds the working set.

    python bench/make_corpus.py --n 100000 --out bench/out/corpus.jsonl

The output holds other people's texts: it goes to bench/out/ (git-ignored), never into the repo.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "dev"
JUNK = [
    "Advertisement",
    "Share this article",
    "Read more: Top stories of the day",
    "Sign up for our newsletter to get the latest news",
    "We use cookies to improve your experience. By continuing you accept our cookie policy.",
    "Follow us on Twitter and Facebook",
    "Copyright 2024 Example Media. All rights reserved.",
    "Click here to download our app",
    "Related: More from this section",
]
SWAPS = {"said": "stated", "told": "informed", "killed": "left dead", "people": "persons", "police": "officers",
         "government": "authorities", "announced": "revealed", "big": "large", "about": "around"}  # fmt: skip
_SENT = re.compile(r"(?<=[.!?])\s+")


def load_originals(limit_neus: int = 3000, long_only: bool = False) -> list[dict]:
    rows: list[dict] = []
    names = ("ecbplus_articles.jsonl", "basil_articles.jsonl")
    for name in names if long_only else (*names, "uci_headlines.jsonl"):
        p = DEV / name
        if p.exists():
            rows += [json.loads(line) for line in p.open()]
    p = DEV / "neus_train.jsonl"
    if p.exists() and not long_only:
        for line in list(p.open())[:limit_neus]:
            for a in json.loads(line).get("articles", []):
                if isinstance(a, dict) and isinstance(a.get("text"), str):
                    rows.append({"id": f"neus-{a.get('id')}", "text": a["text"], "title": a.get("title")})
    out = []
    for r in rows:
        if isinstance(r.get("text"), str) and len(r["text"].split()) >= 5:
            out.append(
                {"id": str(r["id"]), "title": r.get("title"), "text": r["text"], "source": r.get("source")}
            )
    return out


def rewrite(text: str, rnd: random.Random, rate: float = 0.08) -> str:
    words = text.split()
    out = []
    for w in words:
        x = rnd.random()
        if x < rate / 3:
            continue  # dropped
        if x < 2 * rate / 3 and w.lower() in SWAPS:
            w = SWAPS[w.lower()]
        elif x < rate and out:
            out[-1], w = w, out[-1]  # swapped with the previous word
        out.append(w)
    return " ".join(out)


def perturb(text: str, rnd: random.Random) -> str:
    kinds = rnd.sample(["rewrite", "junk", "truncate", "reorder"], rnd.randint(1, 3))
    if "reorder" in kinds:
        sents = _SENT.split(text)
        if len(sents) > 2:
            head, tail = sents[:1], sents[1:]
            rnd.shuffle(tail)
            text = " ".join(head + tail)
    if "rewrite" in kinds:
        text = rewrite(text, rnd)
    if "truncate" in kinds:
        words = text.split()
        if len(words) > 30:
            text = " ".join(words[: int(len(words) * rnd.uniform(0.6, 0.95))])
    if "junk" in kinds:
        lines = text.split("\n")
        for _ in range(rnd.randint(1, 4)):
            lines.insert(rnd.randint(0, len(lines)), rnd.choice(JUNK))
        text = "\n".join(lines)
    return text


def build(
    n: int, seed: int = 0, share_new: float = 0.15, long_only: bool = False, per_year: int | None = None
) -> list[dict]:
    """``n`` articles: about ``share_new`` of them originals (recycled with new ids once used up), dated
    ``per_year`` a year from 2024-01-01 (default ``n``: one year)."""
    per_year = per_year or n
    rnd = random.Random(seed)
    originals = load_originals(long_only=long_only)
    if not originals:
        raise SystemExit(f"no dev data under {DEV}")
    rnd.shuffle(originals)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    out: list[dict] = []
    published: list[tuple[dict, datetime]] = []
    k = 0
    for i in range(n):
        when = start + timedelta(days=365 * i / per_year)
        if not published or rnd.random() < share_new:
            o = dict(originals[k % len(originals)])
            o["id"] = f"o{i}-{o['id']}"
            k += 1
            published.append((o, when))
            o["date"] = when.isoformat()
            out.append(o)
            continue
        base, t0 = published[max(0, len(published) - 1 - int(rnd.expovariate(1 / 20)))]
        v = {
            "id": f"v{i}-{base['id']}",
            "title": base.get("title") if rnd.random() < 0.7 else None,
            "text": perturb(base["text"], rnd),
            "source": f"outlet{rnd.randrange(500)}",
            "date": (t0 + timedelta(hours=rnd.uniform(0, 72))).isoformat(),
        }
        out.append(v)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=str(Path(__file__).parent / "out" / "corpus.jsonl"))
    ap.add_argument("--long", action="store_true", help="full articles only (ECB+ and BASIL originals)")
    ap.add_argument("--per-year", type=int, default=None, help="articles per year of dates (default: --n)")
    a = ap.parse_args()
    rows = build(a.n, a.seed, long_only=a.long, per_year=a.per_year)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    with open(a.out, "w") as fh:
        for r in rows:
            fh.write(json.dumps(r) + "\n")
    words = sum(len(r["text"].split()) for r in rows) / len(rows)
    print(f"wrote {len(rows):,} articles ({words:.0f} words on average) to {a.out}")


if __name__ == "__main__":
    main()
