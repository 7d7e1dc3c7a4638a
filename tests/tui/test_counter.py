from relazione.tui.counter import LIMIT, WARN_FROM, count, normalize_newlines


def test_counts_every_character_and_each_line_break_as_one():
    assert count("abc").used == 3
    assert count("a\nb").used == 3
    assert count("a\r\nb").used == 3  # CRLF is one line break
    assert count("a\rb").used == 3
    assert count("").used == 0
    assert count("perché è così").used == 13  # accented letters are one character each


def test_levels_and_left():
    assert count("x" * (WARN_FROM - 1)).level == "ok"
    assert count("x" * WARN_FROM).level == "warn"
    assert count("x" * LIMIT).level == "warn"
    over = count("x" * (LIMIT + 25))
    assert over.level == "over" and over.excess == 25 and over.left == 0
    assert over.excess_span == (LIMIT, LIMIT + 25)
    assert count("x" * 10).left == LIMIT - 10 and count("x").excess_span is None


def test_description_is_italian_with_thousands_separator():
    assert count("x" * 536).describe() == "536 / 6.000 caratteri · restano 5.464"
    assert count("x" * 6150).describe() == "6.150 / 6.000 caratteri · 150 in eccesso"


def test_normalize_newlines():
    assert normalize_newlines("a\r\nb\rc\n") == "a\nb\nc\n"
