"""Benchmark: how long typed-date parsing and clinic matching take (cold and warm).

.venv/bin/python benchmarks/parsing_latency.py
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dialogs.errors import InvalidAnswer  # noqa: E402
from dialogs.parsing import parse_date, warm_up  # noqa: E402
from knowledge.campaign import load_campaign  # noqa: E402
from knowledge.facilities import match_facility  # noqa: E402

DATES = [
    "10/21",
    "last Tuesday",
    "el martes pasado",
    "ayer",
    "Dec 3",
    "hace 3 días",
    "21 de octubre",
    "it was on oct 21",
    "2/30",
    "banana",
    "x" * 5000,
]
CLINICS = ["Sunset", "harbor city", "wodland hils", "I go to the Harbor City clinic", "asdf", "x" * 5000, "LA"]


def timed(fn, inputs, rounds=200):
    samples = []
    for _ in range(rounds):
        for text in inputs:
            t0 = time.perf_counter()
            try:
                fn(text)
            except InvalidAnswer:
                pass
            samples.append(time.perf_counter() - t0)
    samples.sort()
    return statistics.median(samples) * 1e6, samples[int(len(samples) * 0.99) - 1] * 1e6


def main() -> None:
    today = date(2026, 11, 28)
    campaign = load_campaign()
    t0 = time.perf_counter()
    warm_up()
    print(f"parse_date warm-up: {(time.perf_counter() - t0) * 1000:.0f} ms")
    p50, p99 = timed(lambda t: parse_date(t, today=today, lang="es"), DATES)
    print(f"parse_date:     p50 {p50:7.1f} µs   p99 {p99:7.1f} µs")
    p50, p99 = timed(lambda t: match_facility(t, campaign), CLINICS)
    print(f"match_facility: p50 {p50:7.1f} µs   p99 {p99:7.1f} µs")


if __name__ == "__main__":
    main()
