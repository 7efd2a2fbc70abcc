"""Benchmark the crisis screen: recall, false alarms and latency per message.

Run from the repository root:  .venv/bin/python benchmarks/crisis_screen.py

Accuracy is measured on tests/data/crisis_phrases.toml. Read it as a
regression score, not an estimate for unseen messages: the patterns were
checked and extended against that file. The estimates for unseen phrasings
are the held-out rounds recorded in that file's header, printed below too.
Latency is wall-clock per call to `screen()`, warm (after the first call has
filled the regex and typo caches), on whatever else the machine is doing.
"""

from __future__ import annotations

import statistics
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge.crisis import screen  # noqa: E402

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


def _timings(texts: list[str], rounds: int) -> list[float]:
    for text in texts:  # warm the caches
        screen(text)
    out = []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter()
            screen(text)
            out.append(time.perf_counter() - start)
    return out


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    raw = PHRASES.read_text(encoding="utf-8")
    data = tomllib.loads(raw)

    print("accuracy on tests/data/crisis_phrases.toml")
    for lang in ("en", "es"):
        crisis = [p["text"] for p in data["crisis"] if p["lang"] == lang]
        safe = [p["text"] for p in data["safe"] if p["lang"] == lang]
        missed = [t for t in crisis if not screen(t).is_crisis]
        alarms = [t for t in safe if screen(t).is_crisis]
        recall = 1 - len(missed) / len(crisis)
        false_alarm = len(alarms) / len(safe)
        print(
            f"  {lang}: recall {recall:6.1%} ({len(crisis) - len(missed)}/{len(crisis)})"
            f"   false alarms {false_alarm:5.1%} ({len(alarms)}/{len(safe)})"
        )
        for text in missed:
            print(f"      missed: {text!r}")
        for text in alarms:
            print(f"      false alarm: {text!r}")

    print("\nheld-out rounds (phrasings unseen by the patterns when measured, before fixing them)")
    for line in raw.splitlines():
        if line.startswith("#   round "):
            print("  " + line.removeprefix("#   "))

    short = [p["text"] for group in ("crisis", "safe") for p in data[group]]
    look_alikes = [p["text"] for p in data["safe"]]
    longs = {
        "5,000 chars, rambling, en": _long(_STORY_EN, "and honestly I don't want to be alive anymore"),
        "5,000 chars, rambling, es": _long(_STORY_ES, "y la verdad ya no quiero vivir"),
        "5,000 chars of look-alikes (worst case)": _long(look_alikes, "I want to kill myself"),
    }
    for name, text in longs.items():
        assert len(text) <= LONG_CHARS and screen(text).is_crisis, name

    print("\nlatency per message (warm)")
    t = _timings(short, rounds=20)
    mean_len = statistics.mean(len(s) for s in short)
    print(
        f"  test phrases ({len(short)}, mean {mean_len:.0f} chars):"
        f" p50 {_pct(t, 0.5) * 1e6:7.1f} us   p99 {_pct(t, 0.99) * 1e6:7.1f} us"
    )
    for name, text in longs.items():
        t = _timings([text], rounds=200)
        print(f"  {name}: p50 {_pct(t, 0.5) * 1e3:5.2f} ms   p99 {_pct(t, 0.99) * 1e3:5.2f} ms")


if __name__ == "__main__":
    main()
