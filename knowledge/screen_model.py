"""The safety screen's learned layer: a linear classifier over multilingual sentence
embeddings and hashed character n-grams.

Features of one chunk of text (a sentence or a few, at most CHUNK_CHARS characters):
- the USE multilingual v3 embedding (knowledge.embedding, 512 values): meaning,
  across languages and wordings;
- character 2-5-grams of the folded text, hashed into NGRAM_DIM buckets: spelling,
  so "suicidle", "bibir", "gona" land near the words they stand for, in any script.

One multinomial logistic regression over CLASSES. P(danger) = 1 - P("none"); the
category is the most likely non-"none" class. Trained in pure numpy (full-batch
Adam from zeros, a fixed number of steps: deterministic), so neither training nor
screening needs scikit-learn. The artifact (knowledge/models/screen-v1.npz) holds
the weights and the two thresholds, chosen on a validation split of the TRAINING
data (see `train`), never on the evaluation file.

A message is cleaned (zero-width characters out, NFKC, floods of one character
capped), cut into chunks, and every chunk is scored on its n-grams (cheap, all of
the text); the MAX_EMBED chunks the n-grams find most worrying are embedded and
scored in full. The message's score is the highest chunk score. So a 5,000
character message is screened in full by n-grams and the rules, and by the
embedding where it matters, within a fixed cost.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

__all__ = [
    "CLASSES",
    "ARTIFACT",
    "ScreenModel",
    "Example",
    "clean",
    "chunks",
    "load_model",
    "load_training_examples",
    "train",
]

CLASSES = ("none", "self_harm", "someone_else", "harm_others", "domestic_violence", "child_danger", "resource_request")
VERSION = 2
ARTIFACT = Path(__file__).with_name("models") / f"screen-v{VERSION}.npz"
NGRAM_BITS = 15
NGRAM_DIM = 1 << NGRAM_BITS
NGRAM_SIZES = (2, 3, 4, 5)
CHUNK_CHARS = 220
MAX_EMBED = 2  # chunks embedded per message (the rest is screened by n-grams and rules)
MAX_CHUNKS = 64  # 5,000 characters is ~25 chunks; beyond this, chunks are merged
EMB_DIM = 512

# ---------------------------------------------------------------- text


_ZERO_WIDTH = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\ufe0f]")
_FLOOD = re.compile(r"(.{1,8}?)\1{3,}", re.DOTALL)  # a unit of 1-8 characters repeated 4+ times -> 3
_SENTENCE = re.compile(r"(?<=[.!?。！？؟\n])\s*|\s*\n\s*")
_SPACES = re.compile(r"\s+")
_COMBINING = re.compile(r"[\u0300-\u036f]")
_PUNCT = re.compile(r"[^\w\s\U0001F300-\U0001FAFF\u2600-\u27BF]+")
_REPEAT_LETTER = re.compile(r"([^\W\d_])\1+")


def clean(text: str) -> str:
    """The text the model reads: NFKC, no zero-width or direction marks, floods capped."""
    text = _ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", text or ""))
    return _SPACES.sub(" ", _FLOOD.sub(r"\1\1\1", text)).strip()


def fold(text: str) -> str:
    """For n-grams: casefolded, Latin accents off (scripts kept), punctuation off, letters unrepeated."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = unicodedata.normalize("NFKC", _COMBINING.sub("", text))
    text = _PUNCT.sub(" ", text.replace("'", "").replace("’", ""))
    return _SPACES.sub(" ", _REPEAT_LETTER.sub(r"\1", text)).strip()


def chunks(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Sentences packed into chunks of at most `size` characters (long runs cut at spaces)."""
    pieces: list[str] = []
    for sentence in _SENTENCE.split(text):
        sentence = sentence.strip()
        while len(sentence) > size:
            cut = sentence.rfind(" ", size // 2, size)
            cut = cut if cut > 0 else size
            pieces.append(sentence[:cut])
            sentence = sentence[cut:].strip()
        if sentence:
            pieces.append(sentence)
    out: list[str] = []
    for piece in pieces:
        if out and len(out[-1]) + 1 + len(piece) <= size:
            out[-1] = out[-1] + " " + piece
        else:
            out.append(piece)
    if len(out) > MAX_CHUNKS:  # pathological input: keep every character, in fewer chunks
        step = -(-len(out) // MAX_CHUNKS)
        out = [" ".join(out[i : i + step]) for i in range(0, len(out), step)]
    return out


_MASK32 = np.uint64(0xFFFFFFFF)


def ngram_buckets(text: str) -> np.ndarray:
    """Sorted unique bucket ids of the folded text's character n-grams (a vectorised
    polynomial hash of the code points: the same on every machine, ~0.1 ms a chunk)."""
    folded = " " + fold(text) + " "
    codes = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    parts = []
    for n in NGRAM_SIZES:
        if len(codes) < n:
            continue
        h = np.full(len(codes) - n + 1, n, dtype=np.uint64)
        for k in range(n):
            h = (h * np.uint64(1000003) + codes[k : len(codes) - n + 1 + k]) & _MASK32
        parts.append(((h * np.uint64(2654435761)) & _MASK32) >> np.uint64(32 - NGRAM_BITS))
    if not parts:
        return np.zeros(0, dtype=np.int32)
    return np.unique(np.concatenate(parts)).astype(np.int32)


# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class Prediction:
    danger: float  # P(any crisis class), highest over the message's chunks
    category: str | None  # most likely crisis class in the worst chunk


class ScreenModel:
    """Weights and thresholds of the learned layer (read-only after loading)."""

    def __init__(self, w_emb: np.ndarray, w_ng: np.ndarray, bias: np.ndarray, meta: dict) -> None:
        self.w_emb = np.ascontiguousarray(w_emb, dtype=np.float32)
        self.w_ng = np.ascontiguousarray(w_ng, dtype=np.float32)
        self.bias = np.asarray(bias, dtype=np.float32)
        self.meta = meta
        self.crisis_threshold = float(meta["crisis_threshold"])
        self.ask_threshold = float(meta["ask_threshold"])

    # -- storage

    @classmethod
    def load(cls, path: Path = ARTIFACT) -> "ScreenModel":
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if tuple(meta["classes"]) != CLASSES or meta["ngram_dim"] != NGRAM_DIM:
                raise ValueError(f"{path.name} was trained for another feature layout; run `carebot screen train`")
            return cls(data["w_emb"], data["w_ng"], data["bias"], meta)

    def save(self, path: Path = ARTIFACT) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:  # np.savez adds no timestamps: same weights -> same bytes
            np.savez_compressed(
                fh, w_emb=self.w_emb, w_ng=self.w_ng, bias=self.bias, meta=np.array(json.dumps(self.meta, sort_keys=True))
            )

    # -- scoring

    def _ngram_logits(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), len(CLASSES)), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = ngram_buckets(text)
            out[row] = self.w_ng[ids].sum(axis=0) / np.float32(np.sqrt(max(len(ids), 1)))
        return out + self.bias

    def logits(self, texts: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        return self._ngram_logits(texts) + embeddings @ self.w_emb

    def predict(self, text: str, encode) -> Prediction:
        """Score one message; `encode(list[str]) -> (n, 512)` is the shared embedder."""
        parts = chunks(clean(text))
        if not parts:
            return Prediction(0.0, None)
        if len(parts) > MAX_EMBED:
            cheap = _softmax(self._ngram_logits(parts))[:, 0]  # P(none) on n-grams alone
            parts = [parts[i] for i in np.argsort(cheap, kind="stable")[:MAX_EMBED]]
        probs = _softmax(self.logits(parts, encode(parts)))
        worst = int(np.argmin(probs[:, 0]))
        danger = float(1.0 - probs[worst, 0])
        return Prediction(danger, CLASSES[1 + int(np.argmax(probs[worst, 1:]))])


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


_loaded: ScreenModel | None = None


def load_model() -> ScreenModel:
    global _loaded
    if _loaded is None:
        _loaded = ScreenModel.load()
    return _loaded


# ---------------------------------------------------------------- training data


@dataclass(frozen=True)
class Example:
    text: str
    label: str  # one of CLASSES
    lang: str
    group: str  # examples sharing a group go to the same side of the validation split
    source: str


# Held-out rounds that were scored (their figure recorded in the file) and then joined
# training. The frozen evaluation file (screen_eval.toml) never joins.
JOINED_ROUNDS = ("screen_eval_round2.toml", "screen_eval_round3.toml")
FROZEN_EVAL = "screen_eval.toml"


def _crisis_phrase_label(text: str) -> str:
    from knowledge import crisis

    signal = crisis.screen(text).signal
    return {"third_party_risk": "someone_else", "resource_request": "resource_request"}.get(signal or "", "self_harm")


MEMBER_QUESTIONS = Path(__file__).parent / "member_questions.toml"


def load_training_examples(data_dir: Path) -> list[Example]:
    """Every labelled training phrasing, in a fixed order."""
    out: list[Example] = []
    train = tomllib.loads((data_dir / "screen_train.toml").read_text(encoding="utf-8"))
    for g in train.get("crisis", []):
        out += [Example(t, g["category"], g["lang"], t, "screen_train") for t in g["texts"]]
    for g in train.get("safe", []):
        out += [Example(t, "none", g["lang"], t, "screen_train") for t in g["texts"]]
    for g in train.get("template", []):
        for s in g["subjects"]:
            for p in g["predicates"]:
                # Grouped by predicate: a predicate seen in training must not make validation look easy.
                out.append(Example(f"{s} {p}", g["category"], g["lang"], f"tpl:{g['lang']}:{p}", "template"))
    for name in JOINED_ROUNDS:  # held-out rounds, once scored, may join training
        for text, lang, category, _kind in iter_eval(data_dir / name):
            out.append(Example(text, category or "none", lang, text, name))
    phrases = tomllib.loads((data_dir / "crisis_phrases.toml").read_text(encoding="utf-8"))
    out += [
        Example(i["text"], _crisis_phrase_label(i["text"]), i["lang"], i["text"], "crisis_phrases") for i in phrases["crisis"]
    ]
    out += [Example(i["text"], "none", i["lang"], i["text"], "crisis_phrases") for i in phrases["safe"]]
    harm = tomllib.loads((data_dir / "harm_phrases.toml").read_text(encoding="utf-8"))
    out += [Example(i["text"], "none", i["lang"], i["text"], "harm_phrases") for k in ("harm", "safe") for i in harm[k]]
    # Members' questions to the knowledge base are not crises, except those about crisis lines and
    # emergencies ("my boyfriend hurts me, who do i call"): those are left out rather than taught as "none".
    kb = tomllib.loads(MEMBER_QUESTIONS.read_text(encoding="utf-8"))
    out += [
        Example(i["text"], "none", i.get("lang", "en"), i["text"], "member_questions")
        for i in kb["q"]
        if i.get("expect") not in ("crisis-help", "other-emergencies")
    ]
    # The frozen evaluation file is read only to keep its phrasings OUT of training: a few
    # short ones ("me quiero matar", "hola") also sit in the older files or come out of a template.
    frozen = {fold(t) for t, *_ in iter_eval(data_dir / FROZEN_EVAL)} if (data_dir / FROZEN_EVAL).exists() else set()
    seen: set[str] = set()
    unique = []
    for ex in out:
        if ex.text not in seen and fold(ex.text) not in frozen:
            seen.add(ex.text)
            unique.append(ex)
    return unique


_WORD = re.compile(r"[a-zñ]{4,}")


def _typo(text: str) -> str:
    """A deterministic misspelling of the folded text: one or two words lose, double or swap a letter."""
    folded = fold(text)
    words = list(_WORD.finditer(folded))
    if not words:
        return folded
    seed = zlib.crc32(text.encode("utf-8"))
    out = folded
    for k in range(1 + seed % 2):
        m = words[(seed >> (3 + 5 * k)) % len(words)]
        w = m.group(0)
        i = 1 + (seed >> (11 + k)) % (len(w) - 2)
        kind = (seed >> (17 + k)) % 3
        new = (
            w[:i] + w[i + 1 :] if kind == 0 else w[:i] + w[i] + w[i:] if kind == 1 else w[: i - 1] + w[i] + w[i - 1] + w[i + 1 :]
        )
        out = out.replace(w, new, 1)
    return out


def augment(examples: Sequence[Example]) -> list[Example]:
    """Each Latin-script example also lowercased without punctuation and with a typo (same group)."""
    out = list(examples)
    seen = {e.text for e in examples}
    for e in examples:
        if e.lang not in ("en", "es", "vi", "tl"):
            continue
        variant = _typo(e.text)
        if variant and variant not in seen:
            seen.add(variant)
            out.append(Example(variant, e.label, e.lang, e.group, e.source + "+typo"))
    return out


# ---------------------------------------------------------------- training


def _in_validation(group: str) -> bool:
    return int(hashlib.sha256(group.encode("utf-8")).hexdigest()[:8], 16) % 5 == 0


def _fit(x_emb: np.ndarray, ng_rows: list[np.ndarray], y: np.ndarray, *, steps: int, l2: float, lr: float):
    """Full-batch Adam from zeros on the softmax loss: the same data gives the same weights."""
    n, c = len(y), len(CLASSES)
    lengths = np.array([len(r) for r in ng_rows], dtype=np.int64)
    flat = np.concatenate(ng_rows).astype(np.int64)
    row_of = np.repeat(np.arange(n), lengths)
    scale = (1.0 / np.sqrt(np.maximum(lengths, 1))).astype(np.float32)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    onehot = np.zeros((n, c), dtype=np.float32)
    onehot[np.arange(n), y] = 1.0
    # Each class weighs the same in total, so the big "none" pool does not drown small categories.
    counts = np.bincount(y, minlength=c).astype(np.float32)
    sample_w = (n / (c * np.maximum(counts, 1)))[y].astype(np.float32)
    sample_w /= sample_w.sum()
    params = [np.zeros((EMB_DIM, c), np.float32), np.zeros((NGRAM_DIM, c), np.float32), np.zeros(c, np.float32)]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    b1, b2, eps = 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        w_emb, w_ng, bias = params
        gathered = w_ng[flat]
        ng_logits = np.add.reduceat(gathered, starts, axis=0) * scale[:, None]
        z = x_emb @ w_emb + ng_logits + bias
        p = _softmax(z)
        d = (p - onehot) * sample_w[:, None]
        g_emb = x_emb.T @ d + l2 * w_emb
        per_gram = d[row_of] * scale[row_of][:, None]
        g_ng = np.stack([np.bincount(flat, weights=per_gram[:, k], minlength=NGRAM_DIM) for k in range(c)], axis=1)
        g_ng = g_ng.astype(np.float32) + l2 * w_ng
        g_b = d.sum(axis=0)
        for k, g in enumerate((g_emb, g_ng, g_b)):
            m[k] = b1 * m[k] + (1 - b1) * g
            v[k] = b2 * v[k] + (1 - b2) * g * g
            params[k] = params[k] - lr * (m[k] / (1 - b1**t)) / (np.sqrt(v[k] / (1 - b2**t)) + eps)
    return params


STEPS = 400
L2 = 1e-5
LEARNING_RATE = 0.02
# "ask": the lowest threshold at which the rules OR the model raise at most this share of the
# validation look-alikes (recall first, within the false-alarm budget of the issue, 8%, with margin).
ASK_FALSE_ALARMS = 0.06
# "crisis": the lowest threshold at which the model alone raises at most this share of them.
CRISIS_FALSE_ALARMS = 0.01


def _lowest_threshold(danger: np.ndarray, already: np.ndarray, budget: float) -> float:
    """The lowest t such that mean(already | danger >= t) <= budget, over look-alikes."""
    n = len(danger)
    allowed = int(np.floor(budget * n)) - int(already.sum())
    candidates = np.sort(danger[~already])[::-1]  # look-alikes the rules leave, most worrying first
    if allowed < 0 or not len(candidates):
        return 1.0
    if allowed >= len(candidates):
        return float(candidates[-1])
    return float(candidates[allowed]) + 1e-6  # strictly above the first look-alike over budget


def _choose_thresholds(danger: np.ndarray, is_crisis: np.ndarray, rules: np.ndarray) -> tuple[float, float, dict]:
    neg = ~is_crisis
    ask = _lowest_threshold(danger[neg], rules[neg], ASK_FALSE_ALARMS)
    crisis_t = max(_lowest_threshold(danger[neg], np.zeros(neg.sum(), bool), CRISIS_FALSE_ALARMS), ask)

    def rate(mask: np.ndarray, t: float, with_rules: bool) -> float:
        hit = (danger >= t) | (rules if with_rules else False)
        return round(float(hit[mask].mean()), 4) if mask.any() else 0.0

    stats = {
        "validation_crisis": int(is_crisis.sum()),
        "validation_safe": int(neg.sum()),
        "rules_recall": rate(is_crisis, 2.0, True),
        "rules_false_alarms": rate(neg, 2.0, True),
        "recall_rules_or_ask": rate(is_crisis, ask, True),
        "false_alarms_rules_or_ask": rate(neg, ask, True),
        "model_recall_at_ask": rate(is_crisis, ask, False),
        "model_false_alarms_at_ask": rate(neg, ask, False),
        "model_recall_at_crisis": rate(is_crisis, crisis_t, False),
        "model_false_alarms_at_crisis": rate(neg, crisis_t, False),
    }
    return round(ask, 6), round(crisis_t, 6), stats


def _features(examples: Sequence[Example], encode) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    texts = [clean(e.text) for e in examples]
    emb = np.concatenate([encode(texts[i : i + 64]) for i in range(0, len(texts), 64)]) if texts else np.zeros((0, EMB_DIM))
    return emb.astype(np.float32), [ngram_buckets(t) for t in texts], np.array([CLASSES.index(e.label) for e in examples])


def fingerprint(data_dir: Path, rules) -> dict[str, str]:
    """What a trained artifact depends on besides the code: the training phrasings and what the rules say about them.

    Cheap (no embedding): the suite compares it with the shipped artifact's, so changing the data
    or the rules without `carebot screen train` fails a test in seconds, not after a full retrain.
    """
    examples = augment(load_training_examples(data_dir))
    return {"training_digest": _examples_digest(examples), "rules_digest": _rules_digest(examples, rules)}


def _examples_digest(examples: Sequence[Example]) -> str:
    return hashlib.sha256("\n".join(f"{e.label}\t{e.text}" for e in examples).encode("utf-8")).hexdigest()


def _rules_digest(examples: Sequence[Example], rules) -> str:
    """Which validation phrasings the rule layer fires on: the thresholds are chosen for rules and model together."""
    fired = "".join("1" if rules(e.text) else "0" for e in examples if _in_validation(e.group))
    return hashlib.sha256(fired.encode("ascii")).hexdigest()


def train(data_dir: Path, encode, rules, log=lambda msg: None) -> ScreenModel:
    """Train on the training phrasings: thresholds from an 80/20 split by group, weights from all of it.

    `rules(text) -> bool` is the rule layer: the thresholds are chosen for the combination.
    """
    examples = augment(load_training_examples(data_dir))
    log(f"{len(examples)} training phrasings (with typo variants)")
    x_emb, ng, y = _features(examples, encode)
    val = np.array([_in_validation(e.group) for e in examples])
    fit_idx, val_idx = np.flatnonzero(~val), np.flatnonzero(val)
    w_emb, w_ng, bias = _fit(x_emb[fit_idx], [ng[i] for i in fit_idx], y[fit_idx], steps=STEPS, l2=L2, lr=LEARNING_RATE)
    held = ScreenModel(w_emb, w_ng, bias, {"crisis_threshold": 1, "ask_threshold": 1})
    val_texts = [clean(examples[i].text) for i in val_idx]
    danger = 1 - _softmax(held.logits(val_texts, x_emb[val_idx]))[:, 0]
    fired = np.array([bool(rules(examples[i].text)) for i in val_idx])
    ask, crisis_t, stats = _choose_thresholds(danger, y[val_idx] != 0, fired)
    log(f"validation split: {json.dumps(stats)}; ask >= {ask:.4f}, crisis >= {crisis_t:.4f}")
    w_emb, w_ng, bias = _fit(x_emb, ng, y, steps=STEPS, l2=L2, lr=LEARNING_RATE)
    meta = {
        "version": VERSION,
        "classes": list(CLASSES),
        "ngram_dim": NGRAM_DIM,
        "ngram_sizes": list(NGRAM_SIZES),
        "chunk_chars": CHUNK_CHARS,
        "steps": STEPS,
        "l2": L2,
        "learning_rate": LEARNING_RATE,
        "ask_threshold": ask,
        "crisis_threshold": crisis_t,
        "training_examples": len(examples),
        "training_digest": _examples_digest(examples),
        "rules_digest": _rules_digest(examples, rules),
        "validation": stats,
    }
    return ScreenModel(w_emb, w_ng, bias, meta)


def iter_eval(path: Path) -> Iterable[tuple[str, str, str | None, str]]:
    """(text, lang, category or None for look-alikes, kind) for every item of an evaluation file."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for g in data.get("crisis", []):
        for t in g["texts"]:
            yield t, g["lang"], g["category"], g["category"]
    for g in data.get("safe", []):
        for t in g["texts"]:
            yield t, g["lang"], None, g["kind"]
