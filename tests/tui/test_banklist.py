"""The home screen's bank list lines up its count columns whatever the titles hold: wide
(CJK, emoji) and zero-width (joiner, combining) characters are measured in terminal cells,
as Textual measures them, and a title too long is cut at a cell boundary with "…"."""

from __future__ import annotations

import dataclasses

import pytest
from rich.cells import cell_len
from tui_helpers import AppFactory

from quiz.bank.model import Bank
from quiz.tui.widgets.banklist import BankList
from quiz.tui.widgets.text import clip, fit

TITLES = (
    "Muscle twitching",
    "筋肉のぴくつきについて学ぶ長いタイトルの銀行です本当に長い",
    "👩\u200d⚕️ Ask the nurse 👩\u200d⚕️👩\u200d⚕️",
    "می\u200cخواهم بدانم",
    "Fasci\u00adculation, cafe\u0301 and 한국어 and a title far too long to fit in the column",
)


@pytest.mark.parametrize("title", TITLES)
@pytest.mark.parametrize("width", [1, 2, 5, 10, 11, 24])
def test_fit_pads_and_cuts_in_cells(title: str, width: int) -> None:
    shown = fit(title, width)
    assert cell_len(shown) == width
    if cell_len(title) > width:
        assert shown.rstrip(" ").endswith("…")
        assert cell_len(clip(title, width)) <= width
    else:
        assert shown.rstrip(" ") == title


async def test_count_columns_line_up_under_wide_titles(
    make_app: AppFactory, minimal_bank: Bank
) -> None:
    banks = [
        dataclasses.replace(minimal_bank, id=f"bank-{i}", title=title)
        for i, title in enumerate(TITLES)
    ]
    app = make_app(banks=banks)
    async with app.run_test(size=(80, 24)):
        bank_list = app.query_one(BankList)
        lines = bank_list.render().plain.split("\n")
        assert len(lines) == len(TITLES) + 2  # header, "All banks", one row per bank
        widths = {cell_len(line) for line in lines}
        assert widths == {bank_list.size.width}
        for line in lines[2:]:
            assert line.endswith("0     6         0      6")  # due, new, mastered, items
