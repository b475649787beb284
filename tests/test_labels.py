"""The one label rule (``elosim.data.labels``) for side columns, winner column and item
arguments; winner columns holding item ids."""

from __future__ import annotations

import unicodedata
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import elosim
from elosim import Votes
from elosim.data.labels import label_fold_key, normalize_label, resolve_item

CAFE_NFC = "caf\u00e9"
CAFE_NFD = unicodedata.normalize("NFD", CAFE_NFC)


def _quiet(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", elosim.LabelWarning)
        return fn(*args, **kwargs)


def test_normalize_label_rule() -> None:
    assert normalize_label("  x ") == "x"
    assert normalize_label(CAFE_NFD) == CAFE_NFC
    assert normalize_label(3) == "3"
    assert normalize_label(np.int64(-2)) == "-2"
    with pytest.raises(TypeError, match="item label"):
        normalize_label(1.5)
    with pytest.raises(TypeError, match="item label"):
        normalize_label(None)
    assert label_fold_key("GPT\u200b-4") == label_fold_key("gpt-4")


def test_whitespace_and_unicode_forms_are_one_item() -> None:
    with pytest.warns(elosim.LabelWarning, match="merged"):
        v = Votes.from_arrays(
            [" x", "x", CAFE_NFD, CAFE_NFC], ["y", "y", "y", "y"], [1, 0, CAFE_NFC, 1]
        )
    assert v.items == ("café", "x", "y")
    it = np.array(v.items)
    assert it[v.a].tolist() == ["x", "x", "café", "café"]
    assert v.outcome.tolist() == [0, 1, 0, 0]


def test_consistent_padding_is_stripped_without_warning() -> None:
    # a CSV written as "x, y": every B label has a leading space
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        v = Votes.from_arrays(["x", "y"], [" y", " z"], ["model_a", " z"])
    assert v.items == ("x", "y", "z")
    assert v.outcome.tolist() == [0, 1]


def test_winner_cell_uses_the_same_rule_as_the_sides() -> None:
    # side A ' x', side B 'y', winner 'x ' names side A
    v = Votes.from_arrays([" x"], ["y"], ["x "])
    assert v.outcome.tolist() == [0]
    v = Votes.from_arrays(["y"], [CAFE_NFD], [CAFE_NFC])
    assert v.outcome.tolist() == [1]


def test_csv_with_space_after_comma(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text("model_a,model_b,winner\nx, y, y\ny, z,model_a\nz, x, tie\n", encoding="utf-8")
    v = elosim.read_votes(path)
    assert v.items == ("x", "y", "z")
    assert v.outcome.tolist() == [1, 0, 2]


def test_look_alike_labels_are_reported_and_kept_apart() -> None:
    with pytest.warns(elosim.LabelWarning, match=r"'GPT-4' vs 'gpt-4'"):
        v = Votes.from_arrays(["GPT-4", "gpt-4"], ["x", "x"], [1, 0])
    assert v.n_items == 3
    with pytest.warns(elosim.LabelWarning, match="invisible"):
        Votes.from_arrays(["x\u200b", "x"], ["y", "y"], [1, 0])


def test_control_characters_are_refused() -> None:
    with pytest.raises(elosim.VotesError, match=r"control characters, e\.g\. 'x\\x00' \(U\+0000\)"):
        Votes.from_arrays(["x\0", "x"], ["y", "y"], [1, 0])


def test_int_labels_are_labels_never_positions() -> None:
    votes = Votes.from_counts(["1", "2", "3"], [[0, 3, 2], [2, 0, 3], [1, 2, 0]])
    fit = elosim.bradley_terry(votes)
    assert fit.index(1) == 0
    with pytest.warns(elosim.SparseDataWarning):  # 8-10 votes per item (issue 10)
        t = elosim.gap_test(fit, 1, 2)
    assert (t.item_a, t.item_b) == ("1", "2")
    assert fit.win_probability(2, 3) == fit.win_probability("2", "3")
    anchored = elosim.bradley_terry(votes, normalize="anchor", anchor=3, offset=0.0)
    assert anchored.ratings[2] == 0.0
    letters = elosim.bradley_terry(Votes.from_counts(["a", "b"], [[0, 3], [2, 0]]))
    with pytest.raises(KeyError, match=r"not positions: for the item at position 0 use"):
        letters.index(0)
    with pytest.raises(TypeError, match="item label"):
        letters.index(True)
    assert resolve_item(("x", "y"), " y") == 1


def test_winner_column_of_item_ids_is_recognised() -> None:
    v = Votes.from_arrays([3, 4, 5], [4, 5, 3], [3, 5, 0.5])
    assert v.items == ("3", "4", "5")
    assert v.outcome.tolist() == [0, 1, 2]
    # ids 1 and 5: the value 1 is both a code and an id, the column as a whole holds ids
    v = Votes.from_arrays([1, 5, 1], [5, 1, 5], [1, 1, 5])
    assert v.outcome.tolist() == [0, 1, 1]
    # items 0..9 with plain 0/1 codes stay codes
    v = Votes.from_arrays([2, 3, 0], [3, 4, 9], [1, 0, 1])
    assert v.outcome.tolist() == [0, 1, 0]


def test_ambiguous_winner_ids_are_refused() -> None:
    with pytest.raises(elosim.VotesError, match=r"ambiguous.*Remedy"):
        Votes.from_arrays([0, 1, 0], [1, 0, 1], [0, 1, 1])
    frame = pd.DataFrame({"model_a": ["0", "1"], "model_b": ["1", "0"], "winner": ["1", "1"]})
    with pytest.raises(elosim.VotesError, match="ambiguous"):
        Votes.from_frame(frame)


def test_items_argument_follows_the_rule() -> None:
    v = Votes.from_arrays(["x", "y"], ["y", "x"], [1, 0], items=[" x", "y", "z"])
    assert v.items == ("x", "y", "z")
    with pytest.raises(elosim.VotesError, match="duplicated"):
        Votes(items=["x", " x"], a=[0], b=[1], outcome=[0])


def test_restrict_and_drop_items_normalise() -> None:
    v = _quiet(Votes.from_arrays, ["x", "y", "z"], ["y", "z", "x"], [1, 0, 1])
    assert v.restrict([" x", "y"]).items == ("x", "y")
