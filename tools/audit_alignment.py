"""Print a seeded random sample of aligned cross-source sentence pairs from BASIL for a reading audit.

Usage: python tools/audit_alignment.py [../shared/data/dev/basil_articles.jsonl] [N=40] [SEED=11]
Each claim with mentions from several sources contributes its first two mentions; the printed pairs are
judged by a person (same claim or not); docs/quality.md records the verdicts.
"""

from __future__ import annotations

import json
import random
import sys

import storyline


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/dev/basil_articles.jsonl"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 11
    events: dict[str, list[dict]] = {}
    for line in open(path, encoding="utf-8"):
        row = json.loads(line)
        events.setdefault(row["story"], []).append(row)
    pairs, claims, multi = [], 0, 0
    for rows in events.values():
        brief = storyline.brief(rows)
        claims += len(brief.claims)
        for c in brief.claims:
            if len(c.mentions) > 1:
                multi += 1
                pairs.append((c.mentions[0].text, c.mentions[1].text))
    print(f"events={len(events)} claims={claims} multi-source claims={multi}")
    random.seed(seed)
    for k, (a, b) in enumerate(random.sample(pairs, min(n, len(pairs))), 1):
        print(f"{k}. A: {a}\n   B: {b}\n")


if __name__ == "__main__":
    main()
