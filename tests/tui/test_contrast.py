"""WCAG contrast in every theme the app offers, measured from what Textual paints.

Every screen and state (home, each question type with a choice made and "not sure" on,
empty-answer warnings, each feedback including the red-flag "What to do" box, the summary
with its red flags, statistics, help, the first-run notice, toasts, the command palette,
the too-small notice) is walked through once; in each state every theme is applied in
turn and measured twice (quiz.tui.contrast): every painted cell's colour against its
background (4.5:1 for text, 3:1 for borders and bars), and every displayed widget's
resolved styles (text colour, borders, border titles, scrollbar thumbs). The walk runs
twice: in colour, and with NO_COLOR set."""

from __future__ import annotations

from pathlib import Path

import pytest
from contrast_scenes import Survey, build_app, survey_everything
from textual.color import Color
from tui_helpers import MINIMAL

from quiz.bank.load import load_bank
from quiz.tui.contrast import GRAPHIC_MINIMUM, TEXT_MINIMUM, contrast_ratio
from quiz.tui.themes import DARK_THEME, LIGHT_THEME, THEMES

THEME_NAMES = [t.name for t in THEMES]

#: what each theme's measurements must include, so that the test cannot pass by
#: measuring less: (pattern in `where`, kind)
MUST_BE_MEASURED = [
    ("VerticalGroup#fb-action border-top", "graphic"),  # the red-flag box
    ("VerticalGroup#fb-action", "text"),  # its "What to do" title, as painted
    ("VerticalGroup#sum-red-flags border-top", "graphic"),
    ("VerticalGroup#sum-red-flags", "text"),
    ("Static#fb-action-text", "text"),
    ("Static#fb-verdict", "text"),  # verdict lines, right and wrong
    ("fb-chosen", "text"),
    ("TopBar#topbar", "text"),  # titles
    ("Static#help-title", "text"),
    ("Static#disclaimer-title", "text"),
    ("Static#sum-headline", "text"),
    ("KeyBar", "text"),  # the key bar
    ("Static#q-kind", "text"),  # muted text
    ("Static#fb-source", "text"),
    ("Static#home-legend", "text"),
    ("Static#q-hint", "text"),
    ("Static#q-unsure", "text"),
    ("BankList#home-banks", "text"),
    ("Input#q-input-1", "text"),  # a placeholder in a field without the focus
    ("Input#q-input-1 border-top", "graphic"),
    ("vertical scrollbar thumb", "graphic"),
    ("BarChart", "graphic"),
    ("Button#disclaimer-ok", "text"),
    ("Toast", "text"),
    ("CommandList", "text"),
    ("Static#too-small", "text"),
]


@pytest.fixture(scope="module", params=["in colour", "NO_COLOR"])
def survey(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Survey:
    """The whole walk, measured in every theme; once in colour and once with NO_COLOR set
    (Textual then turns every colour into a grey, which can bring two colours closer)."""
    import asyncio

    with pytest.MonkeyPatch.context() as env:
        if request.param == "NO_COLOR":
            env.setenv("NO_COLOR", "1")
        else:
            env.delenv("NO_COLOR", raising=False)
        work = tmp_path_factory.mktemp("contrast")
        return asyncio.run(survey_everything(THEME_NAMES, work))


def test_the_ratio_is_wcags() -> None:
    white, black = Color(255, 255, 255), Color(0, 0, 0)
    assert contrast_ratio(black, white) == pytest.approx(21.0)
    assert contrast_ratio(white, white) == pytest.approx(1.0)
    assert contrast_ratio(Color(0x77, 0x77, 0x77), white) == pytest.approx(4.48, abs=0.01)
    # What issue 12 measured in Textual's light theme: the "What to do" title and border.
    background = Color.parse("#E0E0E0")
    assert contrast_ratio(Color.parse("#A86D1C"), background) == pytest.approx(3.27, abs=0.01)
    assert contrast_ratio(Color.parse("#FEA62B"), background) == pytest.approx(1.49, abs=0.01)


async def test_the_app_offers_only_its_own_themes(tmp_path: Path) -> None:
    app, store = build_app(tmp_path, [load_bank(MINIMAL)])
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            assert set(app.available_themes) == {DARK_THEME, LIGHT_THEME}
            assert app.theme == DARK_THEME
            titles = [c.title for c in app.get_system_commands(app.screen)]
            assert "Light or dark theme" in titles
            assert "Theme" not in titles  # Textual's picker of its built-in themes
            await pilot.press("ctrl+t")
            assert app.theme == LIGHT_THEME
    finally:
        store.close()


@pytest.mark.parametrize("theme", THEME_NAMES)
def test_every_screen_meets_wcag_contrast(survey: Survey, theme: str) -> None:
    failing = [line for line in survey.failures() if line.startswith(f"{theme} /")]
    assert failing == [], "\n".join(failing)


@pytest.mark.parametrize("theme", THEME_NAMES)
def test_the_survey_measured_every_kind_of_element(survey: Survey, theme: str) -> None:
    measured = {(m.where, m.kind) for _, m in survey.taken[theme]}
    missing = [
        (pattern, kind)
        for pattern, kind in MUST_BE_MEASURED
        if not any(pattern in where and kind == k for where, k in measured)
    ]
    assert missing == []


@pytest.mark.parametrize("theme", THEME_NAMES)
def test_the_red_flag_box_in_particular(survey: Survey, theme: str) -> None:
    for box in ("fb-action", "sum-red-flags"):
        assert survey.lowest(theme, f"VerticalGroup#{box}", "text") >= TEXT_MINIMUM
        assert survey.lowest(theme, f"VerticalGroup#{box} border", "graphic") >= GRAPHIC_MINIMUM


@pytest.mark.parametrize(
    ("stored", "theme"),
    [
        (None, DARK_THEME),
        ("textual-light", LIGHT_THEME),  # what earlier versions stored
        ("textual-dark", DARK_THEME),
        (LIGHT_THEME, LIGHT_THEME),
        ("nord", DARK_THEME),  # a theme the app does not offer
    ],
)
async def test_the_stored_theme_is_started_in(
    tmp_path: Path, stored: str | None, theme: str
) -> None:
    from quiz.engine.store import ReviewStore
    from quiz.tui.app import THEME_META_KEY

    if stored is not None:
        with ReviewStore.open(tmp_path) as s:
            s.set_meta(THEME_META_KEY, stored)
    app, store = build_app(tmp_path, [load_bank(MINIMAL)])
    try:
        assert app.theme == theme  # before the first paint
        async with app.run_test(size=(80, 24)):
            assert app.theme == theme
            assert app.current_theme.dark == (theme == DARK_THEME)
    finally:
        store.close()
