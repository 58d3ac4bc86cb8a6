"""Snapshot the brief JSON of ~1,000 dev stories, then check a change against it (refactors, speed work).

    python tools/brief_snapshot.py dump  /tmp/snap     # before the change
    python tools/brief_snapshot.py check /tmp/snap     # after: lists the stories whose brief differs

The stories: NeuS val and the first 600 of NeuS train (budget: the reference's length), every ECB+ topic
and every BASIL triplet (100 words). Exit status 1 when any brief differs. Run from the repository root.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DEV = Path(__file__).resolve().parents[2] / "shared/data/dev"


def stories(dev: Path) -> Iterator[tuple[str, list[dict[str, Any]], int]]:
    from storyline.evaluate import data

    for name, limit in (("neus_val", None), ("neus_train", 600)):
        for s in data.read_stories(dev / f"{name}.jsonl", limit=limit):
            yield f"{name}/{s.id}", [dict(a) for a in s.articles], len(s.reference.split())
    for name in ("ecbplus_articles", "basil_articles"):
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        with open(dev / f"{name}.jsonl", encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                groups[row["story"]].append(row)
        for key, rows in sorted(groups.items()):
            yield f"{name}/{key}", rows, 100


def brief_json(articles: list[dict[str, Any]], words: int) -> str:
    import storyline

    try:
        doc = storyline.brief(articles, words=words).to_dict()
    except Exception as exc:  # noqa: BLE001 - a failure is part of the snapshot
        doc = {"error": f"{type(exc).__name__}: {exc}"}
    return json.dumps(doc, sort_keys=True, default=str)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=("dump", "check"))
    ap.add_argument("folder", type=Path)
    ap.add_argument("--dev", type=Path, default=DEV, help="the shared dev data folder")
    args = ap.parse_args()
    if not args.dev.exists():
        sys.exit(f"no dev data at {args.dev}")
    args.folder.mkdir(parents=True, exist_ok=True)
    n = differ = 0
    for key, articles, words in stories(args.dev):
        n += 1
        path = args.folder / (key.replace("/", "__") + ".json")
        got = brief_json(articles, words)
        if args.mode == "dump":
            path.write_text(got, encoding="utf-8")
        elif not path.exists() or path.read_text(encoding="utf-8") != got:
            differ += 1
            print(f"differs: {key}")
    print(f"{args.mode}: {n} stories" + (f", {differ} differ" if args.mode == "check" else ""))
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
