"""Telegram's limits as Telegram counts them: UTF-16 lengths, a group's 20 in any minute, 429s per scope,
topic errors by their text; and the stand-in refusing exactly what Telegram refuses."""

from __future__ import annotations

import aiohttp

from bot.dispatch import GroupWindow, ScopedPauses, topic_trouble
from dialogs.textlimits import fit, split_text, utf16_len

DESK, MEMBER, OTHER = -1001, 42, 43


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_emoji_count_twice_as_telegram_counts_them():
    assert utf16_len("abc") == 3 and utf16_len("😢") == 2 and utf16_len("ñ") == 1
    assert utf16_len("🌻" * 2040) == 4080


def test_a_long_text_splits_at_paragraphs_then_sentences_and_loses_no_word():
    text = "\n\n".join(" ".join(f"Sentence {p}.{i} is here." for i in range(60)) for p in range(3))
    parts = split_text(text, 1000)
    assert all(utf16_len(p) <= 1000 for p in parts)
    assert " ".join(" ".join(parts).split()) == " ".join(text.split())
    assert all(p.endswith(".") for p in parts)  # cut between sentences, never inside one


def test_emoji_are_never_cut_in_half():
    parts = split_text("😢" * 3000, 4000)
    assert [utf16_len(p) for p in parts] == [4000, 2000] and "".join(parts) == "😢" * 3000


def test_a_topic_name_fits_128_units():
    name = fit("🔴 " + "KP-7F3K2 · " * 30, 128)
    assert utf16_len(name) <= 128 and name.endswith("…")


def test_the_group_window_never_lets_a_21st_message_into_any_minute():
    clock = Clock()
    window = GroupWindow(20, 60, margin=1, clock=clock)
    for _ in range(20):
        assert window.wait_time() == 0
        window.take()
        clock.now += 0.5
    assert window.wait_time() > 0  # a leaky bucket would have refilled some by now
    clock.now = 1000.0 + 60.9
    assert window.wait_time() > 0
    clock.now = 1000.0 + 61.0
    assert window.wait_time() == 0


def test_a_429_in_the_desk_pauses_only_the_desk():
    clock = Clock()
    pauses = ScopedPauses(clock=clock)
    assert pauses.pause(40, DESK) is False
    assert pauses.wait_time(DESK) == 40 and pauses.wait_time(MEMBER) == 0
    clock.now += 41
    assert pauses.wait_time(DESK) == 0


def test_429s_from_several_chats_at_once_pause_everyone():
    clock = Clock()
    pauses = ScopedPauses(several=3, span=10, clock=clock)
    pauses.pause(5, DESK)
    pauses.pause(5, MEMBER)
    assert pauses.wait_time(OTHER) == 0
    assert pauses.pause(5, OTHER) is True
    assert pauses.wait_time(99) == 5


def test_topic_errors_are_classified_by_telegrams_own_text():
    assert topic_trouble("Bad Request: not enough rights to create a topic") == "no_rights"
    assert topic_trouble("Bad Request: the chat is not a forum") == "not_a_forum"
    assert topic_trouble("Bad Request: message thread not found") == "topic_lost"
    assert topic_trouble("Bad Request: TOPIC_DELETED") == "topic_lost"
    assert topic_trouble("Bad Request: TOPIC_NOT_MODIFIED") is None  # mentions a topic, isn't a lost one
    assert topic_trouble("Bad Request: message is too long") is None


# ------------------------------------------------------------------ the stand-in refuses what Telegram refuses


async def call(standin, method: str, **params) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{standin.base_url}{standin.token}/{method}", json=params) as response:
            return response.status, await response.json()


async def test_the_stand_in_refuses_2040_emoji_and_a_prefix_as_too_long(standin):
    standin.user(MEMBER)
    status, body = await call(
        standin, "sendMessage", chat_id=MEMBER, text="💬 A volunteer from the monitoring team: " + "😢" * 2040
    )
    assert status == 400 and body["description"] == "Bad Request: message is too long"
    status, _ = await call(standin, "sendMessage", chat_id=MEMBER, text="😢" * 2048)
    assert status == 200


async def test_the_stand_in_refuses_the_21st_group_message_in_a_window(standin):
    standin.group(DESK, forum=False)
    standin.configure(enforce_limits=True, group_per_minute=20, group_window=60, overall_per_second=1000)
    for n in range(20):
        status, _ = await call(standin, "sendMessage", chat_id=DESK, text=f"card {n}")
        assert status == 200
    status, body = await call(standin, "sendMessage", chat_id=DESK, text="card 21")
    assert status == 429 and body["parameters"]["retry_after"] >= 59


async def test_the_stand_in_answers_topic_failures_as_telegram_does(standin):
    standin.group(DESK, forum=False)
    status, body = await call(standin, "createForumTopic", chat_id=DESK, name="x")
    assert (status, body["description"]) == (400, "Bad Request: the chat is not a forum")
    standin.group(DESK).forum = True
    standin.configure(topic_rights=False)
    status, body = await call(standin, "createForumTopic", chat_id=DESK, name="x")
    assert (status, body["description"]) == (400, "Bad Request: not enough rights to create a topic")
    standin.configure(topic_rights=True, topics_method=False)
    status, body = await call(standin, "createForumTopic", chat_id=DESK, name="x")
    assert (status, body["description"]) == (404, "Not Found")
    status, body = await call(standin, "sendMessage", chat_id=DESK, text="hi", message_thread_id=77)
    assert (status, body["description"]) == (400, "Bad Request: message thread not found")
