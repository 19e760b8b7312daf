"""Screenshots of the exported Anki cards, as Anki renders them (docs/anki.md).

Exports the shipped banks, imports the package into a fresh collection with the real Anki
library (a test dependency), renders one card of each note type with `render_output()` (the
HTML and style sheet Anki shows), fills the typing box the way Anki's reviewer does, and
photographs the back (which repeats the front above the line) in headless Chromium at phone
width, in light and night mode (Anki puts `nightMode` / `night_mode` on the body).

    python docs/screenshots/anki-screenshots.py [--chromium chromium] [--width 390]

Needs `chromium` (Debian: apt-get install chromium) and Pillow (to cut the empty page under
the card). Writes docs/screenshots/anki-<note type>-<light|night>.png.
"""

from __future__ import annotations

import argparse
import html
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from quiz.bank.discover import find_bank_files, shipped_decks_dir
from quiz.bank.load import load_bank
from quiz.export.anki import export_anki, note_guid

HERE = Path(__file__).resolve().parent
#: (file name part, bank id, question id, what a learner typed for a typing card)
CARDS = (
    ("multiple-choice", "red-flags", None, None),
    ("true-false", "red-flags", None, None),
    ("basic", None, None, None),
    ("typing", None, None, "electromyography"),
    ("cloze", None, None, None),
)
NOTE_TYPE_NAMES = {
    "multiple-choice": "Patient quiz: multiple choice",
    "true-false": "Patient quiz: true or false",
    "basic": "Patient quiz: basic",
    "typing": "Patient quiz: basic (type the answer)",
    "cloze": "Patient quiz: cloze",
}


def crop_below_card(shot: Path, target: Path, night: bool) -> None:
    """Save `shot` without the empty page under the card (the full phone width is kept)."""
    from PIL import Image, ImageChops

    with Image.open(shot) as image:
        rgb = image.convert("RGB")
        background = Image.new("RGB", rgb.size, (13, 17, 23) if night else (255, 255, 255))
        box = ImageChops.difference(rgb, background).getbbox()
        bottom = min(rgb.height, (box[3] if box else rgb.height) + 24)
        rgb.crop((0, 0, rgb.width, bottom)).save(target, optimize=True)


def shoot(args: argparse.Namespace, folder: Path, source: str, target: Path, night: bool) -> None:
    """Photograph the page `source` at phone width in headless Chromium, into `target`."""
    page_file = folder / f"{target.stem}.html"
    page_file.write_text(source, "utf-8")
    shot = folder / target.name
    subprocess.run(
        [
            args.chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            f"--window-size={args.width},2400",
            f"--screenshot={shot}",
            page_file.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    crop_below_card(shot, target, night)


def page(body: str, css: str, night: bool) -> str:
    classes = "card card1" + (" nightMode night_mode" if night else "")
    return (
        "<!doctype html><html><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        f"<style>body {{ margin: 0; padding: 8px; }} {css}</style></head>"
        f'<body class="{classes}"><div id=qa>{body}</div></body></html>'
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default="chromium")
    parser.add_argument("--width", type=int, default=390)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args(argv)
    if shutil.which(args.chromium) is None:
        print(f"needs {args.chromium}", file=sys.stderr)
        return 2
    files, _ = find_bank_files([shipped_decks_dir()])
    banks = [load_bank(f) for f in files]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        export_anki(banks, folder / "p.apkg", timestamp=1_700_000_000)
        col = Collection(str(folder / "c.anki2"))
        try:
            col.import_anki_package(
                ImportAnkiPackageRequest(
                    package_path=str(folder / "p.apkg"), options=ImportAnkiPackageOptions()
                )
            )
            col.models._clear_cache()
            by_guid = {note_guid(b.id, q.id): (b, q) for b in banks for q in b.questions}
            for name, bank_id, _question, typed in CARDS:
                search = f'"note:{NOTE_TYPE_NAMES[name]}"'
                if bank_id:
                    search += " tag:patient-quiz::red-flag"
                cids = sorted(col.find_cards(search), key=lambda c: col.get_card(c).due)
                card = col.get_card(cids[0])
                bank, q = by_guid[card.note().guid]
                out = card.render_output()
                back = out.answer_text
                if "[[type:" in back:
                    expected = card.note()["Answer"]
                    compared = col.compare_answer(expected, typed or "", combining=False)
                    back = back.replace("[[type:nc:Answer]]", compared)
                sides = [(name, back)]
                if name == "multiple-choice":  # the lettered options, before the answer
                    sides.append((f"{name}-front", out.question_text))
                for label, body in sides:
                    for night in (False, True):
                        mode = "night" if night else "light"
                        target = args.out / f"anki-{label}-{mode}.png"
                        shoot(args, folder, page(body, out.css, night), target, night)
                        print(f"{target.name}: {bank.id}/{q.id}: {html.unescape(q.prompt)[:50]}")
        finally:
            col.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
