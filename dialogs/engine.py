"""A small pure engine that runs conversations declared as data.

A dialog is a table of steps. Each step has a kind (choice, date, facility, text,
summary) that decides how it is asked and how answers are read. The engine is a
function of (state, event) -> (state, replies, effects): it never touches the
database or Telegram. The core applies the effects and saves the state.

Button data looks like ``r:<run>:<step>:<action>[:<value>]``. The run token ties
a button to one run of a dialog, so a button pressed on an old message is
recognised as old instead of being taken as an answer.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable, Mapping

import html

from dialogs.catalog import Catalog
from dialogs.errors import InvalidAnswer
from dialogs.model import Button, Edit, Keyboard, Reply
from dialogs.state import State
from knowledge.campaign import Campaign
from knowledge.dates import format_date, format_short_date
from knowledge.facilities import matched_place
from knowledge.text import normalize

NS = "r"  # callback namespace of dialog buttons
STEP_KINDS = ("choice", "date", "facility", "text", "summary")


# ----------------------------------------------------------------- declarations


@dataclass(frozen=True)
class Step:
    """One question. `next` is a step name or a function of the answers (then list `targets`)."""

    name: str
    kind: str
    options: tuple[str, ...] = ()
    next: str | Callable[[Mapping], str] | None = None
    targets: tuple[str, ...] = ()
    columns: int = 1
    max_len: int = 0
    optional: bool = False
    quick: tuple[str, ...] = ()  # date steps: today, yesterday, tomorrow, recent, coming, pick
    past_days: int = 365
    future_days: int = 180
    confirm_past: bool = False  # date steps: a date already gone is checked with the member before it's saved
    column: str | None = None  # the case column its answer is kept in (report steps); None: not kept on a case

    def next_names(self) -> tuple[str, ...]:
        if self.next is None:
            return ()
        if isinstance(self.next, str):
            return (self.next,)
        return self.targets


class DialogError(ValueError):
    """A dialog table is inconsistent (found when it is built, not when a member hits it)."""


@dataclass(frozen=True)
class Dialog:
    name: str
    steps: tuple[Step, ...]
    by_name: dict[str, Step] = field(init=False, repr=False)

    def __post_init__(self):
        names = [s.name for s in self.steps]
        if len(set(names)) != len(names):
            raise DialogError(f"{self.name}: step names repeat")
        by_name = {s.name: s for s in self.steps}
        object.__setattr__(self, "by_name", by_name)
        for s in self.steps:
            if s.kind not in STEP_KINDS:
                raise DialogError(f"{self.name}.{s.name}: unknown kind {s.kind}")
            if callable(s.next) and not s.targets:
                raise DialogError(f"{self.name}.{s.name}: a computed next must list its targets")
            for target in s.next_names():
                if target not in by_name:
                    raise DialogError(f"{self.name}.{s.name}: next step {target!r} does not exist")
            if s.kind == "choice" and not s.options:
                raise DialogError(f"{self.name}.{s.name}: a choice needs options")
        # Every step is reachable from the first, and a summary ends the dialog.
        seen, todo = set(), [self.steps[0].name]
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo.extend(by_name[name].next_names())
        unreachable = set(names) - seen
        if unreachable:
            raise DialogError(f"{self.name}: unreachable steps {sorted(unreachable)}")
        if not any(s.kind == "summary" or s.next is None for s in self.steps):
            raise DialogError(f"{self.name}: nothing ends it (a summary, or a step with no next)")

    @property
    def first(self) -> Step:
        return self.steps[0]

    def step(self, name: str) -> Step:
        return self.by_name[name]

    def next_of(self, step: Step, answers: Mapping) -> Step | None:
        if step.next is None:
            return None
        name = step.next if isinstance(step.next, str) else step.next(answers)
        return self.by_name[name]

    def path(self, answers: Mapping) -> list[Step]:
        """The steps a member with these answers walks through, in order, up to the summary."""
        out: list[Step] = []
        step: Step | None = self.first
        while step is not None and step not in out:
            out.append(step)
            if step.kind == "summary":
                break
            step = self.next_of(step, answers)
        return out


# ----------------------------------------------------------------- results


@dataclass(frozen=True)
class Answered:
    """Effect: the member answered `field`."""

    field: str
    value: object


@dataclass(frozen=True)
class FileCase:
    """Effect: file the case with these answers."""

    answers: dict


@dataclass(frozen=True)
class DiscardCase:
    """Effect: the member canceled; forget the draft."""


@dataclass(frozen=True)
class Completed:
    """Effect: a dialog without a summary reached its end with these answers."""

    dialog: str
    answers: dict


@dataclass(frozen=True)
class Result:
    state: State
    replies: tuple = ()
    effects: tuple = ()
    toast: str = ""


@dataclass(frozen=True)
class Ctx:
    """What a step needs besides the state: today's date, the campaign, the words."""

    today: date
    campaign: Campaign
    catalog: Catalog
    parse_date: Callable[..., date]
    match_facility: Callable
    match_choice: Callable

    def t(self, state: State, key: str, **params) -> str:
        return self.catalog.t(state.lang, key, **params)


# ----------------------------------------------------------------- entry points


def start(dialog: Dialog, state: State, ctx: Ctx, *, run: str, prefill: dict | None = None) -> Result:
    """Begin a dialog at its first step."""
    state = state.with_(
        dialog=dialog.name,
        step=dialog.first.name,
        run=run,
        answers={},
        case_id=None,
        editing=False,
        view={},
        prefill=dict(prefill or {}),
    )
    return Result(state, (prompt(dialog, state, ctx),))


def prompt(dialog: Dialog, state: State, ctx: Ctx) -> Reply:
    """The current step's question, with its buttons."""
    step = _current(dialog, state)
    return _PROMPTS[step.kind](dialog, step, state, ctx)


def on_text(dialog: Dialog, state: State, text: str, ctx: Ctx) -> Result:
    """The member typed an answer."""
    step = _current(dialog, state)
    try:
        return _TEXT[step.kind](dialog, step, state, text, ctx)
    except InvalidAnswer as err:
        return reprompt(dialog, state, ctx, err)


def on_unsupported(dialog: Dialog, state: State, media: str, ctx: Ctx) -> Result:
    """The member sent a sticker, photo, voice note...: say what works here, keep the step."""
    return reprompt(dialog, state, ctx, InvalidAnswer("media", media=ctx.t(state, f"media.{media}")))


def on_button(dialog: Dialog, state: State, data: str, message_id: int | None, ctx: Ctx) -> Result | None:
    """The member pressed a dialog button. None when the button isn't from the current step."""
    parts = data.split(":")
    if len(parts) < 4 or parts[0] != NS or parts[1] != state.run or parts[2] != state.step:
        return None
    step = dialog.step(state.step)
    try:
        return _BUTTONS[step.kind](dialog, step, state, parts[3], parts[4:], message_id, ctx)
    except InvalidAnswer as err:
        return reprompt(dialog, state, ctx, err)


def reprompt(dialog: Dialog, state: State, ctx: Ctx, err: InvalidAnswer) -> Result:
    """A specific, kind message about what went wrong, then the same question again."""
    question = prompt(dialog, state, ctx)
    problem = ctx.t(state, f"invalid.{err.reason}", **err.params)
    return Result(state, (Reply(problem + "\n\n" + question.text, question.buttons),))


# ----------------------------------------------------------------- shared moves


def _current(dialog: Dialog, state: State) -> Step:
    """The step waiting for an answer; only called while a dialog runs."""
    if state.step is None:
        raise LookupError(f"dialog {dialog.name!r} has no current step")
    return dialog.step(state.step)


def _data(state: State, *parts: str) -> str:
    return ":".join((NS, state.run, state.step or "", *parts))


def _grid(buttons: list[Button], columns: int) -> Keyboard:
    return tuple(tuple(buttons[i : i + columns]) for i in range(0, len(buttons), columns))


def _chosen(prompt_text: str, label: str) -> str:
    return f"{prompt_text}\n\n✓ <b>{label}</b>"


def answer(
    dialog: Dialog,
    step: Step,
    state: State,
    value,
    label: str,
    ctx: Ctx,
    *,
    message_id: int | None = None,
    extra: dict | None = None,
) -> Result:
    """Record an answer and ask the next question, starting with what was understood.

    A tapped answer turns the pressed message into the next question (one message
    that moves along, so old buttons can't be pressed by mistake); a typed answer
    gets a new message.
    """
    fields = {step.name: value, **(extra or {})}
    answers = {**state.answers, **fields}
    effects = tuple(Answered(k, v) for k, v in fields.items())
    nxt = _after(dialog, step, answers, state.editing)
    if nxt is None:
        # The end of a short dialog: the pressed question shows the answer; the core says what's next.
        done = state.left_dialog()
        replies = (Edit(message_id, _chosen(prompt(dialog, state, ctx).text, label)),) if message_id is not None else ()
        return Result(done, replies, effects + (Completed(dialog.name, answers),))
    new_state = state.with_(answers=answers, step=nxt.name, view={})
    question = prompt(dialog, new_state, ctx)
    text = f"✓ <b>{label}</b>\n\n{question.text}"
    if message_id is not None:
        return Result(new_state, (Edit(message_id, text, question.buttons),), effects)
    return Result(new_state, (Reply(text, question.buttons),), effects)


def _after(dialog: Dialog, step: Step, answers: Mapping, editing: bool) -> Step | None:
    nxt = dialog.next_of(step, answers)
    if not editing:
        return nxt
    # Changing one answer from the summary: ask only what that change makes necessary.
    while nxt is not None and nxt.kind != "summary" and nxt.name in answers:
        nxt = dialog.next_of(nxt, answers)
    return nxt


def _refresh(dialog: Dialog, state: State, ctx: Ctx, message_id: int | None) -> Result:
    """Redraw the current question in place (calendar pages, sub-menus)."""
    question = prompt(dialog, state, ctx)
    if message_id is None:
        return Result(state, (question,))
    return Result(state, (Edit(message_id, question.text, question.buttons),))


# ----------------------------------------------------------------- choice


def _choice_labels(step: Step, ctx: Ctx) -> dict[str, list[str]]:
    out = {}
    for opt in step.options:
        key = f"choice.{step.name}.{opt}"
        labels = [ctx.catalog.t(lang, key) for lang in ctx.catalog.strings]
        syn_key = f"synonyms.{step.name}.{opt}"
        for lang in ctx.catalog.strings:
            if ctx.catalog.has(lang, syn_key):
                labels.extend(ctx.catalog.raw(lang, syn_key))
        out[opt] = labels
    return out


def _prompt_choice(dialog, step, state, ctx) -> Reply:
    buttons = [Button(ctx.t(state, f"choice.{step.name}.{o}"), _data(state, "c", o)) for o in step.options]
    return Reply(ctx.t(state, f"ask.{step.name}"), _grid(buttons, step.columns))


def _text_choice(dialog, step, state, text, ctx) -> Result:
    if len(text) > 200:
        raise InvalidAnswer("choice_too_long")
    if not any(ch.isalnum() for ch in text):
        raise InvalidAnswer("choice_no_words")
    opt = ctx.match_choice(text, _choice_labels(step, ctx), numbered=list(step.options))
    if opt is None:
        raise InvalidAnswer("choose_button")
    return answer(dialog, step, state, opt, ctx.t(state, f"choice.{step.name}.{opt}"), ctx)


def _button_choice(dialog, step, state, action, rest, message_id, ctx) -> Result:
    opt = rest[0] if action == "c" and rest else None
    if opt not in step.options:
        raise InvalidAnswer("choose_button")
    return answer(dialog, step, state, opt, ctx.t(state, f"choice.{step.name}.{opt}"), ctx, message_id=message_id)


# ----------------------------------------------------------------- date


def _date_label(d: date, state: State, ctx: Ctx) -> str:
    return format_date(d, state.lang, today=ctx.today)


def _in_window(step: Step, d: date, today: date) -> None:
    if d < today - timedelta(days=step.past_days):
        raise InvalidAnswer("date_too_old", days=(today - d).days)
    if d > today + timedelta(days=step.future_days):
        raise InvalidAnswer("date_too_far", days=(d - today).days)


def _prompt_date(dialog, step, state, ctx) -> Reply:
    past = state.view.get("past")
    if past:
        d = date.fromisoformat(past)
        return Reply(
            ctx.t(state, "date_past.confirm", date=_date_label(d, state, ctx)),
            (
                (Button(ctx.t(state, "date_past.yes"), _data(state, "pastok", past)),),
                (Button(ctx.t(state, "date_past.change"), _data(state, "back")),),
            ),
        )
    view = state.view.get("date")
    question = ctx.t(state, f"ask.{step.name}")
    if view == "recent" or view == "coming":
        days = range(2, 8) if view == "recent" else range(2, 9)
        sign = -1 if view == "recent" else 1
        buttons = []
        for n in days:
            d = ctx.today + timedelta(days=sign * n)
            label = f"{ctx.catalog.t(state.lang, 'weekday_short.' + str(d.weekday()))} {format_short_date(d, state.lang)}"
            buttons.append(Button(label, _data(state, "d", d.isoformat())))
        kb = _grid(buttons, 2) + ((Button(ctx.t(state, "button.back"), _data(state, "back")),),)
        return Reply(question, kb)
    if isinstance(view, str) and view.startswith("cal"):
        return Reply(question, _calendar(step, state, ctx, view[4:]))
    buttons = [Button(ctx.t(state, f"date_quick.{q}"), _data(state, "q", q)) for q in step.quick]
    if step.optional:
        buttons.append(Button(ctx.t(state, "date_quick.unknown"), _data(state, "skip")))
    return Reply(question + "\n" + ctx.t(state, "hint.date"), _grid(buttons, 2))


def _calendar(step: Step, state: State, ctx: Ctx, month: str) -> Keyboard:
    year, mon = (int(x) for x in month.split("-"))
    first_allowed = ctx.today - timedelta(days=step.past_days)
    last_allowed = ctx.today + timedelta(days=step.future_days)
    prev_m = date(year, mon, 1) - timedelta(days=1)
    next_m = date(year, mon, 28) + timedelta(days=7)
    noop = _data(state, "noop")
    title = ctx.catalog.t(state.lang, f"month.{mon}") + f" {year}"
    nav = (
        Button("‹", _data(state, "cal", f"{prev_m:%Y-%m}")) if prev_m >= first_allowed.replace(day=1) else Button(" ", noop),
        Button(title, noop),
        Button("›", _data(state, "cal", f"{next_m:%Y-%m}")) if next_m.replace(day=1) <= last_allowed else Button(" ", noop),
    )
    heads = tuple(Button(ctx.catalog.t(state.lang, f"weekday_letter.{i}"), noop) for i in range(7))
    rows = [nav, heads]
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, mon):
        row = []
        for d in week:
            if d.month != mon or not (first_allowed <= d <= last_allowed):
                row.append(Button(" ", noop))
            else:
                label = f"•{d.day}" if d == ctx.today else str(d.day)
                row.append(Button(label, _data(state, "d", d.isoformat())))
        rows.append(tuple(row))
    rows.append((Button(ctx.t(state, "button.back"), _data(state, "back")),))
    return tuple(rows)


def _text_date(dialog, step, state, text, ctx) -> Result:
    d = ctx.parse_date(text, today=ctx.today, lang=state.lang, past_days=step.past_days, future_days=step.future_days)
    if step.confirm_past and d < ctx.today:
        new_state = state.with_(view={"past": d.isoformat()})
        return Result(new_state, (prompt(dialog, new_state, ctx),))
    return answer(dialog, step, state, d.isoformat(), _date_label(d, state, ctx), ctx)


def _button_date(dialog, step, state, action, rest, message_id, ctx) -> Result:
    if action == "noop":
        return Result(state)
    if action == "back":
        return _refresh(dialog, state.with_(view={}), ctx, message_id)
    if action == "skip" and step.optional:
        return answer(dialog, step, state, None, ctx.t(state, "date_quick.unknown"), ctx, message_id=message_id)
    if action == "q" and rest and rest[0] in step.quick:
        q = rest[0]
        offsets = {"today": 0, "yesterday": -1, "tomorrow": 1}
        if q in offsets:
            d = ctx.today + timedelta(days=offsets[q])
            return answer(dialog, step, state, d.isoformat(), _date_label(d, state, ctx), ctx, message_id=message_id)
        if q in ("recent", "coming"):
            return _refresh(dialog, state.with_(view={"date": q}), ctx, message_id)
        if q == "pick":
            return _refresh(dialog, state.with_(view={"date": f"cal:{ctx.today:%Y-%m}"}), ctx, message_id)
    if action == "cal" and rest:
        try:
            year, mon = (int(x) for x in rest[0].split("-"))
            date(year, mon, 1)
        except ValueError:
            raise InvalidAnswer("choose_button") from None
        return _refresh(dialog, state.with_(view={"date": f"cal:{year:04d}-{mon:02d}"}), ctx, message_id)
    if action == "pastok" and rest and step.confirm_past:
        try:
            d = date.fromisoformat(rest[0])
        except ValueError:
            raise InvalidAnswer("choose_button") from None
        _in_window(step, d, ctx.today)
        return answer(dialog, step, state, d.isoformat(), _date_label(d, state, ctx), ctx, message_id=message_id)
    if action == "d" and rest:
        try:
            d = date.fromisoformat(rest[0])
        except ValueError:
            raise InvalidAnswer("choose_button") from None
        _in_window(step, d, ctx.today)
        if step.confirm_past and d < ctx.today:
            return _refresh(dialog, state.with_(view={"past": d.isoformat()}), ctx, message_id)
        return answer(dialog, step, state, d.isoformat(), _date_label(d, state, ctx), ctx, message_id=message_id)
    raise InvalidAnswer("choose_button")


# ----------------------------------------------------------------- facility

FACILITY_TEXT_MAX = 120


def _facility_label(answers: Mapping, state: State, ctx: Ctx) -> str:
    f = ctx.campaign.facility(answers.get("facility"))
    if f:
        return html.escape(f.name)
    if answers.get("facility_text"):
        return ctx.t(state, "facility.not_listed_named", name=answers["facility_text"])
    return ctx.t(state, "facility.unknown")


def _prompt_facility(dialog, step, state, ctx) -> Reply:
    view = state.view
    if view.get("list"):
        # Every clinic the campaign knows, and a way out: for "not sure", or a place we didn't find.
        cands = list(ctx.campaign.facilities)
        buttons = list(_grid([Button(f.name, _data(state, "f", f.id)) for f in cands], 2))
        buttons.append((Button(ctx.t(state, "facility.button_not_listed"), _data(state, "none")),))
        buttons.append((Button(ctx.t(state, "facility.button_retype"), _data(state, "retype")),))
        return Reply(ctx.t(state, "facility_list.text"), tuple(buttons))
    if view.get("candidates") is not None:
        cands = [ctx.campaign.facility(fid) for fid in view["candidates"]]
        cands = [f for f in cands if f]
        typed = view.get("typed", "")
        places = {f.id: matched_place(typed, f) for f in cands}
        # Labels are plain text; a clinic found through a town says so ("South Bay — in Harbor City").
        buttons = [
            (
                Button(
                    ctx.catalog.raw(state.lang, "facility_list.label").format(name=f.name, place=places[f.id])
                    if places[f.id]
                    else f.name,
                    _data(state, "f", f.id),
                ),
            )
            for f in cands
        ]
        if not cands:
            buttons.append((Button(ctx.t(state, "facility_list.button"), _data(state, "list")),))
        buttons.append((Button(ctx.t(state, "facility.button_not_listed"), _data(state, "none")),))
        buttons.append((Button(ctx.t(state, "facility.button_retype"), _data(state, "retype")),))
        if len(cands) == 1 and places[cands[0].id]:
            text = ctx.t(state, "facility_list.did_you_mean_place", name=cands[0].name, place=places[cands[0].id])
        elif cands:
            text = (
                ctx.t(state, "facility.did_you_mean", typed=typed, name=cands[0].name)
                if len(cands) == 1
                else ctx.t(state, "facility.which_one", typed=typed)
            )
        else:
            text = ctx.t(state, "facility_list.no_match", typed=typed)
        return Reply(text, tuple(buttons))
    pre = ctx.campaign.facility(state.prefill.get("facility")) if not view.get("asked") else None
    if pre is not None:
        return Reply(
            ctx.t(state, "facility.confirm_prefill", name=pre.name),
            (
                (
                    Button(ctx.t(state, "button.yes"), _data(state, "f", pre.id)),
                    Button(ctx.t(state, "facility.button_other"), _data(state, "retype")),
                ),
            ),
        )
    return Reply(ctx.t(state, f"ask.{step.name}"), ((Button(ctx.t(state, "facility.button_unsure"), _data(state, "unsure")),),))


def _text_facility(dialog, step, state, text, ctx) -> Result:
    typed = " ".join(text.split())
    if len(typed) > FACILITY_TEXT_MAX:
        raise InvalidAnswer("facility_too_long", max=FACILITY_TEXT_MAX)
    if not any(ch.isalnum() for ch in typed):
        raise InvalidAnswer("facility_no_words")
    if _means(typed, ctx, "synonyms.facility_unsure.words"):
        # "not sure" / "no sé" is not a clinic: show the list, with "It's not listed".
        new_state = state.with_(view={"list": True, "asked": True})
        return Result(new_state, (prompt(dialog, new_state, ctx),))
    found = ctx.match_facility(typed, ctx.campaign)
    ids = [f.id for f, _ in found.candidates]
    if found.exact and found.best is not None and _is_name(found.best, typed):
        return answer(dialog, step, state, found.best.id, html.escape(found.best.name), ctx, extra={"facility_text": None})
    new_state = state.with_(view={"candidates": ids, "typed": typed, "asked": True})
    return Result(new_state, (prompt(dialog, new_state, ctx),))


def _is_name(facility, typed: str) -> bool:
    return facility.name.casefold() == typed.casefold()


def _button_facility(dialog, step, state, action, rest, message_id, ctx) -> Result:
    if action == "f" and rest:
        f = ctx.campaign.facility(rest[0])
        if f is None:
            raise InvalidAnswer("choose_button")
        return answer(dialog, step, state, f.id, html.escape(f.name), ctx, message_id=message_id, extra={"facility_text": None})
    if action == "none":
        typed = state.view.get("typed") or None
        label = ctx.t(state, "facility.not_listed_named", name=typed) if typed else ctx.t(state, "facility.unknown")
        return answer(dialog, step, state, None, label, ctx, message_id=message_id, extra={"facility_text": typed})
    if action == "unsure":
        return answer(
            dialog, step, state, None, ctx.t(state, "facility.unknown"), ctx, message_id=message_id, extra={"facility_text": None}
        )
    if action == "retype":
        new_state = state.with_(view={"asked": True})
        return _refresh(dialog, new_state, ctx, message_id)
    if action == "list":
        return _refresh(dialog, state.with_(view={"list": True, "asked": True}), ctx, message_id)
    raise InvalidAnswer("choose_button")


# ----------------------------------------------------------------- free text


def _prompt_text(dialog, step, state, ctx) -> Reply:
    buttons = ((Button(ctx.t(state, "button.skip"), _data(state, "skip")),),) if step.optional else ()
    return Reply(ctx.t(state, f"ask.{step.name}", max=step.max_len), buttons)


def _text_text(dialog, step, state, text, ctx) -> Result:
    text = text.strip()
    if step.max_len and len(text) > step.max_len:
        raise InvalidAnswer("too_long", length=len(text), max=step.max_len)
    if sum(ch.isalnum() for ch in text) < 2:
        raise InvalidAnswer("no_words")
    if step.optional and _means_skip(text, ctx):
        return answer(dialog, step, state, None, ctx.t(state, "button.skip"), ctx)
    shown = text if len(text) <= 60 else text[:57] + "…"
    return answer(dialog, step, state, text, ctx.t(state, "note.saved", preview=shown), ctx)


def _means(text: str, ctx: Ctx, key: str) -> bool:
    """The text is one of a synonyms list's words, in either language."""
    said = normalize(text)
    return any(
        said == normalize(word)
        for lang in ctx.catalog.strings
        if ctx.catalog.has(lang, key)
        for word in ctx.catalog.raw(lang, key)
    )


def _means_skip(text: str, ctx: Ctx) -> bool:
    """ "none", "skip", "nada": the member means the Skip button, in either language."""
    said = normalize(text)
    return any(
        said == normalize(word)
        for lang in ctx.catalog.strings
        if ctx.catalog.has(lang, "synonyms.skip.words")
        for word in ctx.catalog.raw(lang, "synonyms.skip.words")
    )


def _button_text(dialog, step, state, action, rest, message_id, ctx) -> Result:
    if action == "skip" and step.optional:
        return answer(dialog, step, state, None, ctx.t(state, "button.skip"), ctx, message_id=message_id)
    raise InvalidAnswer("choose_button")


# ----------------------------------------------------------------- summary


def summary_lines(dialog: Dialog, state: State, ctx: Ctx) -> list[tuple[str, str, str]]:
    """(step, label, shown value) for each answered step on the member's path."""
    out = []
    for step in dialog.path(state.answers):
        if step.kind == "summary" or step.name not in state.answers:
            continue
        out.append((step.name, ctx.t(state, f"field.{step.name}"), _shown(step, state, ctx)))
    return out


def _shown(step: Step, state: State, ctx: Ctx) -> str:
    value = state.answers.get(step.name)
    if step.kind == "choice":
        return ctx.t(state, f"choice.{step.name}.{value}")
    if step.kind == "date":
        return _date_label(date.fromisoformat(str(value)), state, ctx)
    if step.kind == "facility":
        return _facility_label(state.answers, state, ctx)
    if step.kind == "text":
        return ctx.t(state, "note.none") if not value else ctx.t(state, "note.quoted", note=value)
    return str(value)


def _prompt_summary(dialog, step, state, ctx) -> Reply:
    if state.view.get("summary") == "edit":
        buttons = [Button(label, _data(state, "field", name)) for name, label, _ in summary_lines(dialog, state, ctx)]
        kb = _grid(buttons, 2) + ((Button(ctx.t(state, "button.back"), _data(state, "back")),),)
        return Reply(ctx.t(state, "summary.which_field"), kb)
    if state.view.get("summary") == "cancel":
        return Reply(
            ctx.t(state, "summary.cancel_sure"),
            (
                (
                    Button(ctx.t(state, "summary.button_cancel_yes"), _data(state, "cancel_yes")),
                    Button(ctx.t(state, "summary.button_cancel_no"), _data(state, "back")),
                ),
            ),
        )
    lines = "\n".join(f"• {label}: <b>{value}</b>" for _, label, value in summary_lines(dialog, state, ctx))
    return Reply(
        ctx.t(state, "summary.intro") + "\n\n" + lines,
        (
            (Button(ctx.t(state, "summary.button_confirm"), _data(state, "confirm")),),
            (
                Button(ctx.t(state, "summary.button_edit"), _data(state, "edit")),
                Button(ctx.t(state, "summary.button_cancel"), _data(state, "cancel")),
            ),
        ),
    )


def _text_summary(dialog, step, state, text, ctx) -> Result:
    raise InvalidAnswer("summary_use_buttons")


def _button_summary(dialog, step, state, action, rest, message_id, ctx) -> Result:
    if action == "confirm":
        new_state = state.left_dialog()
        replies = (
            (Edit(message_id, _chosen(prompt(dialog, state, ctx).text, ctx.t(state, "summary.button_confirm"))),)
            if message_id
            else ()
        )
        return Result(new_state, replies, (FileCase(dict(state.answers)),))
    if action in ("edit", "cancel", "back"):
        view = {} if action == "back" else {"summary": action}
        return _refresh(dialog, state.with_(view=view), ctx, message_id)
    if action == "cancel_yes":
        replies = (Edit(message_id, ctx.t(state, "summary.canceled")),) if message_id else ()
        return Result(state.left_dialog(), replies, (DiscardCase(),))
    if action == "field" and rest and rest[0] in dialog.by_name and rest[0] in state.answers:
        new_state = state.with_(step=rest[0], editing=True, view={})
        question = prompt(dialog, new_state, ctx)
        replies = (
            (Edit(message_id, ctx.t(state, "summary.changing", field=ctx.t(state, f"field.{rest[0]}"))),) if message_id else ()
        )
        return Result(new_state, replies + (question,))
    raise InvalidAnswer("choose_button")


_PROMPTS = {
    "choice": _prompt_choice,
    "date": _prompt_date,
    "facility": _prompt_facility,
    "text": _prompt_text,
    "summary": _prompt_summary,
}
_TEXT = {"choice": _text_choice, "date": _text_date, "facility": _text_facility, "text": _text_text, "summary": _text_summary}
_BUTTONS = {
    "choice": _button_choice,
    "date": _button_date,
    "facility": _button_facility,
    "text": _button_text,
    "summary": _button_summary,
}
