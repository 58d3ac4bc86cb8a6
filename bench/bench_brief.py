"""Time the whole `storyline brief` process on the seeds and on a 100-article story.

The 100-article story is made at run time from the five seed reports (nothing is stored): each copy
drops, reorders and lightly rewords sentences and adds junk lines, like a pile of syndicated rewrites.
Side by side, in the same run, sumy's LexRank summarises the same articles (the peer a user would pick
for "a summary of this pile"); the ratio is LexRank time / storyline time (higher is better for us).

``--sizes 2,3,5,10,20,50,100`` runs a sweep instead: the CPU time of the in-process brief and of LexRank on stories
of each size (rewrites of the seeds), interleaved in one process, so the ratio at each size and the size
from which storyline is 20x faster can be read off.

Usage: python bench/bench_brief.py [--repeat 5] [--seeds ../shared/data/seeds] [--sizes 2,5,10,100]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

JUNK = ["Advertisements", "Share this:", "Read more: Other news of the day", "Sorting by", "\u00d7"]
SWAPS = [
    ("said", "stated"),
    ("announced", "declared"),
    ("about", "around"),
    ("big", "large"),
    ("also", "further"),
]


def perturb(text: str, rng: random.Random) -> str:
    """A plausible rewrite: drop ~15% of paragraphs' sentences, swap a few words, add junk lines."""
    out = []
    for para in text.split("\n"):
        sents = [s for s in para.split(". ") if s and rng.random() > 0.15]
        if len(sents) > 2 and rng.random() < 0.3:
            i = rng.randrange(len(sents) - 1)
            sents[i], sents[i + 1] = sents[i + 1], sents[i]
        line = ". ".join(sents)
        for a, b in SWAPS:
            if rng.random() < 0.5:
                line = line.replace(f" {a} ", f" {b} ")
        if line:
            out.append(line)
        if rng.random() < 0.2:
            out.append(rng.choice(JUNK))
    return "\n\n".join(out)


def make_story(seeds: Path, n: int, dest: Path, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))]
    paths = []
    for k in range(n):
        p = dest / f"outlet-{k:03d}.txt"
        p.write_text(perturb(texts[k % len(texts)], rng), encoding="utf-8")
        paths.append(p)
    return paths


def time_cli(paths: list[Path], repeat: int) -> tuple[float, float]:
    """Median wall time and CPU time (user + system) of the whole `storyline brief` process."""
    cmd = [sys.executable, "-m", "storyline.cli", "brief", *map(str, paths), "-o", "/dev/null"]
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        walls.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def time_inprocess(paths: list[Path], repeat: int, clock: Callable[[], float] = time.perf_counter) -> float:
    import storyline
    from storyline.ingest import read_paths

    times = []
    for _ in range(repeat):
        t = clock()
        arts, _ = read_paths([str(p) for p in paths])
        storyline.brief(arts)
        times.append(clock() - t)
    return statistics.median(times)


def time_lexrank(
    paths: list[Path], repeat: int, words: int = 100, clock: Callable[[], float] = time.perf_counter
) -> float | None:
    """sumy LexRank over the same cleaned texts, to about the same length (offline tokenizer)."""
    try:
        from sumy.nlp.stemmers import Stemmer
        from sumy.parsers.plaintext import PlaintextParser
        from sumy.summarizers.lex_rank import LexRankSummarizer
    except ImportError:
        return None
    import nupunkt

    class Tokenizer:
        language = "english"

        def to_sentences(self, text: str) -> list[str]:
            return [s for p in text.split("\n") for s in nupunkt.sent_tokenize(p) if s.strip()]

        def to_words(self, sentence: str) -> list[str]:
            import re

            return re.findall(r"\w+", sentence)

    from storyline.clean import clean_article
    from storyline.ingest import read_paths

    times = []
    for _ in range(repeat):
        t = clock()
        arts, _ = read_paths([str(p) for p in paths])
        text = "\n".join(clean_article(a).text for a in arts)
        parser = PlaintextParser.from_string(text, Tokenizer())
        summarizer = LexRankSummarizer(Stemmer("english"))
        summarizer(parser.document, max(1, words // 25))
        times.append(clock() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seeds", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/seeds")
    ap.add_argument("--sizes", default="", help="comma-separated story sizes for the CPU-time sweep")
    ap.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args.seeds, args.child)
    if not args.seeds.exists():
        sys.exit(f"seeds not found at {args.seeds}")
    if args.sizes:
        return sweep(args.seeds, [int(k) for k in args.sizes.split(",")], args.repeat)
    seeds = sorted(args.seeds.glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        hundred = make_story(args.seeds, 100, Path(tmp))
        rows = []
        for name, paths in [("seeds (5 articles)", seeds), ("100-article story", hundred)]:
            cli = time_cli(paths, args.repeat)
            inproc = time_inprocess(paths, args.repeat)
            lex = time_lexrank(paths, max(1, args.repeat // 2))
            rows.append((name, cli, inproc, lex))
    print(
        "| input | `storyline brief` process: wall (s) | process: CPU (s) | brief in-process (s) "
        "| sumy LexRank in-process (s) | LexRank / storyline |"
    )
    print("|---|---|---|---|---|---|")
    for name, (wall, cpu), inproc, lex in rows:
        ratio = f"{lex / inproc:.1f}x" if lex else "n/a"
        lex_s = f"{lex:.3f}" if lex else "n/a"
        print(f"| {name} | {wall:.3f} | {cpu:.3f} | {inproc:.3f} | {lex_s} | {ratio} |")


def sweep(seeds: Path, sizes: list[int], repeat: int) -> None:
    """CPU of the in-process brief and of LexRank per story size; each measure in a fresh process (cold
    caches: a story's sentences are not cached from an earlier run), the two systems on the same story."""
    print("\n| articles | words | storyline brief CPU (ms) | sumy LexRank CPU (ms) | LexRank / storyline |")
    print("|---|---|---|---|---|")
    for n in sizes:
        runs = []
        for rep in range(repeat):
            cmd = [sys.executable, __file__, "--seeds", str(seeds), "--child", f"{n},{rep}"]
            runs.append(json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout))
        ours = statistics.median(r["storyline"] for r in runs)
        lex = statistics.median(r["lexrank"] for r in runs)
        words = runs[0]["words"]
        print(f"| {n} | {words:,} | {1000 * ours:.1f} | {1000 * lex:.1f} | {lex / ours:.1f}x |")


def child(seeds: Path, spec: str) -> None:
    """One sweep measure: warm the code paths on the shipped example, then time both systems once."""
    n, rep = (int(x) for x in spec.split(","))
    example = sorted(p for p in (Path(__file__).resolve().parents[1] / "examples/harbor-bridge").iterdir())
    example = [p for p in example if p.name != "README.md"]
    time_inprocess(example, 1)
    time_lexrank(example, 1)
    with tempfile.TemporaryDirectory() as tmp:
        paths = make_story(seeds, n, Path(tmp), seed=100 + rep)
        words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
        ours = time_inprocess(paths, 1, time.process_time)
        lex = time_lexrank(paths, 1, clock=time.process_time)
    print(json.dumps({"storyline": ours, "lexrank": lex, "words": words}))


if __name__ == "__main__":
    main()
