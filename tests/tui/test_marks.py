from relazione.tui.marks import LineMap, Mark, changed_region, shift


def test_changed_region():
    assert changed_region("abc def", "abc XX def") == (4, 4, 7)
    assert changed_region("abc", "abc") == (3, 3, 3)
    assert changed_region("aaa", "aaaa") == (3, 3, 4)  # an insertion in a run is placed at its end
    assert changed_region("", "x") == (0, 0, 1)
    assert changed_region("abcdef", "abef") == (2, 4, 2)


def test_shift_keeps_marks_before_moves_marks_after_drops_touched():
    old = "Prima frase. Seconda frase. Terza frase."
    marks = [Mark(0, 12, "a"), Mark(13, 27, "b"), Mark(28, 40, "c")]
    new = old.replace("Seconda", "La seconda")
    assert shift(marks, old, new) == [Mark(0, 12, "a"), Mark(31, 43, "c")]
    typed_before = "Ok. " + old
    assert shift(marks, old, typed_before) == [Mark(4, 16, "a"), Mark(17, 31, "b"), Mark(32, 44, "c")]
    assert shift(marks, old, old) == marks


def test_line_map_locations_and_marks_split_by_line():
    text = "ab\ncd\n\nef"
    lines = LineMap(text)
    assert lines.location(0) == (0, 0) and lines.location(3) == (1, 0) and lines.location(9) == (3, 2)
    assert lines.offset((1, 1)) == 4 and lines.offset((3, 2)) == 9
    assert lines.by_line([Mark(1, 9, "x")]) == {0: [(1, 2, "x")], 1: [(0, 2, "x")], 3: [(0, 2, "x")]}
    assert lines.by_line([Mark(5, 5, "x"), Mark(20, 30, "x")]) == {}
