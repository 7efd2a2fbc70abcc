"""Measure the knowledge-base matcher: top-1 accuracy per language and match latency.

Usage: .venv/bin/python benchmarks/kb_match.py [--repeat N] [--cutoff X] [--misses]

Accuracy counts a question right only when the matcher answers with the
expected article (an answer withheld below the cutoff is a miss); off-topic
lines (expect = "") are right when no article is given. Latency is wall time
per match() call over the whole question set, repeated --repeat times.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.kb import load_knowledge_base  # noqa: E402
from knowledge.matcher import SCORE_CUTOFF, Matcher  # noqa: E402

QUESTIONS = ROOT / "tests" / "data" / "kb_questions.toml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="passes over the question set for latency")
    parser.add_argument("--cutoff", type=float, default=SCORE_CUTOFF, help="score cutoff to measure")
    parser.add_argument("--misses", action="store_true", help="list every wrong answer")
    args = parser.parse_args(argv)

    with open(QUESTIONS, "rb") as fh:
        questions = tomllib.load(fh)["q"]
    kb = load_knowledge_base()
    started = time.perf_counter()
    matcher = Matcher(kb, cutoff=args.cutoff)
    build_ms = (time.perf_counter() - started) * 1000

    right: Counter = Counter()
    total: Counter = Counter()
    ranked_first: Counter = Counter()
    misses = []
    for q in questions:
        m = matcher.match(q["text"], q["lang"])
        key = q["lang"] if q["expect"] else "off-topic"
        total[key] += 1
        ok = (m.article_id == q["expect"]) if q["expect"] else m.article_id is None
        right[key] += ok
        if q["expect"]:
            ranked_first[key] += m.alternatives[:1] == (q["expect"],)
        if not ok:
            misses.append((q["lang"], q["expect"] or "(none)", m.article_id, m.score, q["text"]))

    timings = []
    for _ in range(args.repeat):
        for q in questions:
            t0 = time.perf_counter()
            matcher.match(q["text"], q["lang"])
            timings.append(time.perf_counter() - t0)
    timings.sort()
    p50 = statistics.median(timings) * 1000
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))] * 1000

    print(f"knowledge base: {len(kb.articles)} articles; matcher built in {build_ms:.1f} ms; cutoff {args.cutoff}")
    on_topic = [k for k in total if k != "off-topic"]
    for key in sorted(on_topic):
        print(
            f"top-1 accuracy [{key}]: {right[key] / total[key]:.1%} ({right[key]}/{total[key]});"
            f" ranked first before the cutoff: {ranked_first[key] / total[key]:.1%}"
        )
    n_on = sum(total[k] for k in on_topic)
    print(f"top-1 accuracy [all]: {sum(right[k] for k in on_topic) / n_on:.1%} ({n_on} questions)")
    if total["off-topic"]:
        print(
            f"off-topic given no article: {right['off-topic'] / total['off-topic']:.1%}"
            f" ({right['off-topic']}/{total['off-topic']})"
        )
    print(f"match latency over {len(timings)} calls: p50 {p50:.3f} ms, p99 {p99:.3f} ms")
    if args.misses:
        for lang, expect, got, score, text in misses:
            print(f"  [{lang}] expected {expect}, got {got} ({score}): {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
