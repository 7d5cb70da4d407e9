"""news.messages: Telegram's visible length and splitting long HTML messages."""

from __future__ import annotations

import html
import re

import pytest

from news.messages import MAX_MESSAGE, split_message, visible_length
from tests.botapi import check_html

_TAG = re.compile(r"<[^>]*>")


def _visible(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment))


def _words(fragment: str) -> list[str]:
    return _visible(fragment).split()


def _balanced(fragment: str) -> bool:
    stack: list[str] = []
    for match in re.finditer(r"<(/?)([a-z-]+)[^>]*>", fragment):
        closing, name = match.groups()
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("", 0),
        ("plain", 5),
        ("<b>bold</b>", 4),
        ('<a href="https://a.example/very/long/url?x=1">link</a>', 4),
        ("&amp;", 1),
        ("a &lt; b &gt; c", 9),
        ("&quot;q&quot;", 3),
        ("&#128512;", 2),
        ("😀", 2),
        ("<b>😀😀</b>", 4),
        ("é", 1),
        ("Київ", 4),
        ("e\u0301", 2),
        ("🇺🇦", 4),
        ("line\nline", 9),
    ],
)
def test_visible_length(fragment: str, expected: int) -> None:
    assert visible_length(fragment) == expected


def _paragraphs(count: int, words: int = 30) -> str:
    return "\n\n".join(
        f"<b>Para {i}</b>\n<i>meta {i}</i> " + " ".join(f"w{i}x{j}" for j in range(words)) for i in range(count)
    )


CASES = {
    "short": ("<b>hello</b> world", 100),
    "paragraphs": (_paragraphs(40), 500),
    "paragraphs-default-limit": (_paragraphs(200), MAX_MESSAGE),
    "one-huge-line": (" ".join(f"word{i}" for i in range(3000)), 1000),
    "huge-line-with-markup": ("<b>" + " ".join(f"x&amp;{i}" for i in range(2000)) + "</b>", 1000),
    "huge-line-no-spaces": ("a" * 10_000, MAX_MESSAGE),
    "huge-line-escaped": ("&lt;" * 5000, MAX_MESSAGE),
    "emoji-line": ("😀" * 3000, MAX_MESSAGE),
    "emoji-then-ascii": ("😀" + "a" * 9000, MAX_MESSAGE),
    "ascii-then-emoji": ("a " * 100 + "😀" * 4000, MAX_MESSAGE),
    "long-paragraph-of-lines": ("\n".join(f"<b>line {i}</b> " + "z " * 40 for i in range(100)), 800),
    "mixed": (_paragraphs(5) + "\n\n" + "y " * 3000 + "\n\n" + _paragraphs(5), 600),
}


@pytest.mark.parametrize(("fragment", "limit"), list(CASES.values()), ids=list(CASES))
def test_split_message_chunks_fit_and_keep_content(fragment: str, limit: int) -> None:
    chunks = split_message(fragment, limit)
    assert chunks
    for chunk in chunks:
        assert 1 <= visible_length(chunk) <= limit
        assert _balanced(chunk)
        if limit == MAX_MESSAGE:
            assert check_html(chunk) is None
    # no word is lost (a hard split may cut inside a word that has no space to break at)
    joined = [w for chunk in chunks for w in _words(chunk)]
    assert joined == _words(fragment) or "".join(joined) == "".join(_words(fragment))


@pytest.mark.parametrize(("fragment", "limit"), list(CASES.values()), ids=list(CASES))
def test_split_message_is_deterministic_and_no_empty_chunks(fragment: str, limit: int) -> None:
    chunks = split_message(fragment, limit)
    assert chunks == split_message(fragment, limit)
    assert all(chunk.strip() for chunk in chunks)


def test_split_message_keeps_short_message_whole() -> None:
    assert split_message("<b>hello</b>\n\nworld") == ["<b>hello</b>\n\nworld"]


@pytest.mark.parametrize("fragment", ["", "   ", "\n\n"])
def test_split_message_empty(fragment: str) -> None:
    assert split_message(fragment) == [""]


def test_split_message_splits_at_paragraph_boundaries() -> None:
    paragraphs = [f"<b>Story {i}</b>\n" + ("text " * 50).strip() for i in range(20)]
    chunks = split_message("\n\n".join(paragraphs), 700)
    assert len(chunks) > 1
    rebuilt = [p for chunk in chunks for p in chunk.split("\n\n")]
    assert rebuilt == paragraphs
    for chunk in chunks:
        assert chunk.startswith("<b>Story ")


def test_split_message_packs_greedily() -> None:
    paragraphs = ["x" * 40 for _ in range(10)]
    chunks = split_message("\n\n".join(paragraphs), 100)
    # two paragraphs and their separator (84) fit, a third (126) does not
    assert [len(chunk.split("\n\n")) for chunk in chunks] == [2, 2, 2, 2, 2]


def test_split_message_exact_limit_fits() -> None:
    text = "a" * MAX_MESSAGE
    assert split_message(text) == [text]
    assert len(split_message(text + "a")) == 2


def test_hard_split_counts_utf16_units() -> None:
    chunks = split_message("😀" * 3000)
    assert [visible_length(chunk) for chunk in chunks] == [4096, 1904]
    assert "".join(chunks) == "😀" * 3000


def test_split_message_balanced_paragraph_spanning_lines() -> None:
    paragraph = "<blockquote>" + "\n".join("quoted line " * 8 for _ in range(20)) + "</blockquote>"
    for chunk in split_message(paragraph, 500):
        assert _balanced(chunk)
