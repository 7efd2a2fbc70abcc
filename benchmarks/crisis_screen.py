"""Benchmark the safety screen: latency per message and memory added by the learned layer.

Run from the repository root:  .venv/bin/python benchmarks/crisis_screen.py

Latency is wall-clock per call, warm, for the rules alone (`crisis.screen`) and the
whole screen (`screening.assess`: rules, category rules, embeddings + classifier), on
short messages, 5,000-character messages (with the crisis sentence last), emoji
floods, zero-width characters and mixed scripts. Memory is the process's resident
set before and after loading the embedding model and the classifier.
Accuracy: `carebot screen eval` (the frozen evaluation file) and the held-out rounds
recorded in tests/data/screen_eval*.toml.
"""

from __future__ import annotations

import os
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge.crisis import screen  # noqa: E402
from knowledge import screening  # noqa: E402

PHRASES = ROOT / "tests" / "data" / "crisis_phrases.toml"
LONG_CHARS = 5_000

# Ordinary rambling, the long messages members actually send.
_STORY_EN = (
    "So they called me on Monday morning to tell me my Thursday session was canceled because of the strike.",
    "I asked when the next opening would be and the person on the phone said she did not know, maybe January.",
    "I have been seeing the same therapist for almost two years and she knows my whole history with anxiety.",
    "My job only lets me take calls during lunch, so every time I try to reach the clinic I am on hold for forty minutes.",
    "My daughter has soccer on Tuesdays and Thursdays, so the evening slots do not work for me either.",
    "I tried the app but it keeps saying there are no appointments available at Baldwin Park or anywhere near me.",
    "My sister told me to write everything down with dates, which is what I am doing now, sorry it is so long.",
    "The letter they mailed says I can get care outside the network but nobody can tell me how that works.",
    "I also need my prescription renewed before the end of the month and my psychiatrist is out too.",
    "Honestly I am frustrated and tired of calling, and I would like to know what my rights are here.",
)
_STORY_ES = (
    "El lunes en la mañana me llamaron para decirme que mi cita del jueves se cancelaba por la huelga.",
    "Pregunté cuándo habría otra cita y la señora me dijo que no sabía, que tal vez hasta enero.",
    "Llevo casi dos años con la misma terapeuta y ella conoce toda mi historia con la ansiedad.",
    "En el trabajo solo puedo hacer llamadas a la hora de la comida y siempre me dejan esperando cuarenta minutos.",
    "Mi hija tiene fútbol los martes y jueves, así que las citas en la tarde tampoco me sirven.",
    "Intenté con la aplicación pero dice que no hay citas en Baldwin Park ni en ninguna clínica cerca de mi casa.",
    "Mi hermana me dijo que anotara todo con fechas, que es lo que estoy haciendo, perdón que sea tan largo.",
    "La carta que mandaron dice que puedo ir fuera de la red pero nadie me sabe explicar cómo funciona.",
    "También necesito que me renueven la receta antes de fin de mes y mi psiquiatra tampoco está.",
    "La verdad estoy frustrada y cansada de llamar, y quiero saber cuáles son mis derechos.",
)


def _long(sentences: tuple[str, ...] | list[str], ending: str) -> str:
    """About LONG_CHARS characters of the sentences, cycled, with `ending` last."""
    parts: list[str] = []
    size = 0
    i = 0
    while size < LONG_CHARS - len(ending) - 1:
        sentence = sentences[i % len(sentences)]
        parts.append(sentence)
        size += len(sentence) + 1
        i += 1
    text = " ".join(parts)[: LONG_CHARS - len(ending) - 1]
    return f"{text} {ending}"


def _timings(fn, texts: list[str], rounds: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds per call (CPU time leaves out waiting for a core on a busy machine)."""
    wall, cpu = [], []
    for _ in range(rounds):
        for text in texts:
            start, start_cpu = time.perf_counter(), time.thread_time()
            fn(text)
            cpu.append(time.thread_time() - start_cpu)
            wall.append(time.perf_counter() - start)
    return wall, cpu


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    data = tomllib.loads(PHRASES.read_text(encoding="utf-8"))
    short = [i["text"] for i in data["crisis"][:150] + data["safe"][:150]]  # half of them reach the learned layer
    long_msgs = [
        _long(_STORY_EN, "i am going to kill myself tonight"),
        _long(_STORY_ES, "ya no quiero vivir"),
        _long(_STORY_EN, "thank you"),
        _long(list(_STORY_ES) + list(_STORY_EN), "gracias"),
    ]
    floods = ["😭" * 2500, "💊" * 1000 + " bye", "🙏🏽" * 1200 + " please help", "a" * 5000, "!!!!" * 1250]
    zero_width = ["i want to k\u200bill my\u200dself", "\u200b" * 4000 + "hola", "ki\u200bll\u200c " * 600]
    mixed = [
        "my appointment 取消了 and 我想死",
        "я устала ждать my therapist 😢",
        "estoy harta 너무 힘들어 i cant",
        ("取消了 appointment 예약 отменили cita " * 120)[:5000],
    ]
    before = _rss_mb()
    start = time.perf_counter()
    screening.load()
    load_s = time.perf_counter() - start
    after = _rss_mb()
    print(
        f"memory: {before:.0f} MB before loading the learned layer, {after:.0f} MB after (+{after - before:.0f} MB); load {load_s:.1f} s"
    )
    for text in short[:20] + long_msgs + floods + zero_width + mixed:  # warm caches
        screening.assess(text)
    print(f"\nlatency per message (warm); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    cases = [
        ("short (150 crisis, 150 not)", short, 3),
        ("5,000 characters", long_msgs, 25),
        ("emoji floods", floods, 20),
        ("zero-width characters", zero_width, 30),
        ("mixed scripts", mixed, 30),
    ]
    for name, texts, rounds in cases:
        for label, fn in (("rules  ", screen), ("screen ", screening.assess)):
            t, c = _timings(fn, texts, rounds)
            print(
                f"  {label}{name:28} wall p50 {_pct(t, 0.5) * 1e3:6.2f} p99 {_pct(t, 0.99) * 1e3:6.2f} max {max(t) * 1e3:6.2f} ms"
                f" | cpu p50 {_pct(c, 0.5) * 1e3:6.2f} p99 {_pct(c, 0.99) * 1e3:6.2f} ms"
            )


if __name__ == "__main__":
    main()
