"""The app's two themes, dark and light: the only ones it offers.

They start from Textual's own "textual-dark" and "textual-light" colours, written out here
so that a new Textual release cannot change them under us, and differ where those fall
below the contrast WCAG 2 asks for (4.5:1 for text, 3:1 for borders and other graphics
that identify a component or a state):

- light: the warning and accent orange (#ffa62b) drew the red-flag box's border at 1.5:1
  and its "What to do" title at 3.3:1; the success green drew "Right." at 3.8:1; the key
  names in the key bar were 2.9:1. A darker orange and green, and the primary blue for the
  key names, fix them and everything Textual derives from them ($text-warning, ...);
- dark: an error toast's title was 3.6:1 on the toast; a lighter red fixes it;
- both: the scrollbar thumb (1.6:1 dark, 1.9:1 light against its track) and the border of
  a text field that does not have the focus (1.1:1) were nearly invisible.

tests/tui/test_contrast.py measures every screen in both themes from what Textual paints.
"""

from __future__ import annotations

from textual.theme import Theme

DARK_THEME = "quiz-dark"
LIGHT_THEME = "quiz-light"

DARK = Theme(
    name=DARK_THEME,
    primary="#0178D4",
    secondary="#004578",
    accent="#ffa62b",
    warning="#ffa62b",
    # a lighter red: an error toast's stripe 3.1:1 on the toast, its title ($text-error,
    # derived) 4.8:1 (Textual's #ba3c5b: 2.0:1 and 3.6:1)
    error="#E0607E",
    success="#4EBF71",
    foreground="#e0e0e0",
    dark=True,
    variables={
        # thumb against its black track: 3.7:1, hovered 5.1:1, dragged 6.0:1
        "scrollbar": "#3D6A8F",
        "scrollbar-hover": "#4F81AA",
        "scrollbar-active": "#368AE9",
        # a text field without the focus: 3.7:1 against its own background
        "border-blurred": "#767676",
    },
)

LIGHT = Theme(
    name=LIGHT_THEME,
    primary="#004578",
    secondary="#0178D4",
    # a burnt orange: 4.2:1 as a border on the background, 7.4:1 as $text-warning
    accent="#A35200",
    warning="#A35200",
    error="#ba3c5b",
    # $text-success (derived) 6.0:1 on the background
    success="#2E8B57",
    surface="#D8D8D8",
    panel="#D0D0D0",
    background="#E0E0E0",
    dark=False,
    variables={
        # key names in the key bar: 6.4:1 on its background
        "footer-key-foreground": "#004578",
        # thumb against its grey track: 3.3:1, hovered 4.2:1, dragged 6.0:1
        "scrollbar": "#4E6D85",
        "scrollbar-hover": "#3F5E76",
        "scrollbar-active": "#004578",
        # a text field without the focus: 3.5:1 against its own background
        "border-blurred": "#707070",
    },
)

#: every theme the app offers, the first the default
THEMES = (DARK, LIGHT)
#: what earlier versions stored as the learner's choice, and what it means now
FORMER_NAMES = {"textual-dark": DARK_THEME, "textual-light": LIGHT_THEME}


def theme_name(saved: str | None) -> str:
    """The theme to start in, from the stored choice (the dark one when there is none, or
    when it names a theme the app no longer offers)."""
    saved = FORMER_NAMES.get(saved or "", saved)
    return saved if saved in (DARK_THEME, LIGHT_THEME) else DARK_THEME
