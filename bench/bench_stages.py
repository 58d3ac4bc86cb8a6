"""CPU per story of each stage of the brief, over NeuS val's small stories (or any story file).

Each stage function that ``storyline.pipeline.build_brief`` calls is wrapped with a CPU timer; the stories
are briefed once to warm the code paths (the first five), then once each, timed. Caches of sentence texts
are warm only for sentences repeated across stories, as in the eval.

Usage: python bench/bench_stages.py [--data ../shared/data/dev/neus_val.jsonl]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STAGES = (
    "as_articles",
    "clean_article",
    "align",
    "provenance",
    "build_claims",
    "quotes_and_discrepancies",
    "find_discrepancies",
    "summarize",
    "loaded_terms",
    "loaded_terms_of_parts",
    "omissions",
    "story_title",
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[2] / "shared/data/dev/neus_val.jsonl"
    ap.add_argument("--data", type=Path, default=default, help="NeuS-style JSON lines (articles, reference)")
    args = ap.parse_args()
    if not args.data.exists():
        sys.exit(f"no data at {args.data}")
    import storyline
    from storyline import pipeline
    from storyline.evaluate import data

    stories = data.read_stories(args.data)
    budgets = [len(s.reference.split()) for s in stories]
    spent: dict[str, float] = {}

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def run(*a: Any, **k: Any) -> Any:
            t = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                spent[name] = spent.get(name, 0.0) + time.process_time() - t

        return run

    for name in STAGES:
        if hasattr(pipeline, name):
            setattr(pipeline, name, timed(name, getattr(pipeline, name)))
    for s, b in zip(stories[:5], budgets, strict=False):
        storyline.brief([dict(a) for a in s.articles], words=b)
    spent.clear()
    t = time.process_time()
    for s, b in zip(stories, budgets, strict=True):
        storyline.brief([dict(a) for a in s.articles], words=b)
    total = time.process_time() - t
    n = len(stories)
    print(f"{n} stories from {args.data.name}: CPU ms per story")
    print(f"{'whole brief':28s} {1000 * total / n:.3f}")
    for name, sec in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"{name:28s} {1000 * sec / n:.3f}")


if __name__ == "__main__":
    main()
