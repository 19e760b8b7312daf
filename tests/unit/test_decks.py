"""The shipped banks are part of the product: they load, lint clean and keep the content rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quiz.bank.discover import disclaimer_text, find_bank_files, shipped_decks_dir
from quiz.bank.lint import lint_bank
from quiz.bank.load import load_bank
from quiz.bank.model import Bank

REQUIRED_BANKS = {"fasciculations-vs-cramps", "triggers", "tests-and-emg", "red-flags"}

#: The section headings each source document has (shared/seeds/README.md).
SECTIONS: dict[str, set[str]] = {
    "benign-vs-als": {
        "Understanding Muscle Fasciculations",
        "The Specific Nature of ALS-Related Fasciculations",
        "Distinguishing Benign Fasciculations from Serious Conditions",
    },
    "at-rest": {
        "What are Muscle Fasciculations?",
        "Causes of Muscle Fasciculations at Rest",
        "Benign Causes",
        "Serious Causes Requiring Medical Attention",
        "How are Muscle Fasciculations Diagnosed?",
        "Treatment for Muscle Fasciculations at Rest",
        "When to See a Doctor",
        # the paragraph headed "Important Note:" at the end of the treatment section
        "Important Note",
    },
    "fasc-and-cramps": {
        "What are fasciculations and cramps?",
        "What can cause fasciculations and cramps?",
        "What do they feel and look like?",
        "When should you consider seeing a specialist?",
        "What tests may be performed?",
        "How is it typically addressed?",
    },
    # no headings: its four paragraphs of article text, named by number and topic
    "what-is-fasc": {
        "paragraph 1 (what a twitch is)",
        "paragraph 2 (stress, minerals, fluids, where twitches happen)",
        "paragraph 3 (nerve diseases, injuries, medicines, poisons)",
        "paragraph 4 (tests)",
    },
}

#: The seed documents, when the shared folder sits beside the checkout (as in CI).
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def _banks() -> list[Bank]:
    files, _ = find_bank_files([shipped_decks_dir()])
    return [load_bank(f) for f in files]


BANKS = _banks()


def test_the_four_banks_ship() -> None:
    assert {b.id for b in BANKS} == REQUIRED_BANKS


@pytest.mark.parametrize("bank", BANKS, ids=lambda b: b.id)
def test_bank_is_lint_clean(bank: Bank) -> None:
    assert [f.format() for f in lint_bank(bank)] == []


@pytest.mark.parametrize("bank", BANKS, ids=lambda b: b.id)
def test_bank_shape(bank: Bank) -> None:
    assert bank.path is not None and bank.path.stem == bank.id
    assert len(bank.questions) >= 20
    assert len({q.type for q in bank.questions}) >= 3
    assert all(q.explanation for q in bank.questions)


@pytest.mark.parametrize("bank", BANKS, ids=lambda b: b.id)
def test_every_citation_names_a_real_section(bank: Bank) -> None:
    for q in bank.questions:
        assert q.source.id in SECTIONS, (q.id, q.source.id)
        assert q.source.section in SECTIONS[q.source.id], (q.id, q.source.section)


@pytest.mark.parametrize("bank", BANKS, ids=lambda b: b.id)
def test_red_flag_items_say_what_to_do(bank: Bank) -> None:
    flagged = [q for q in bank.questions if q.red_flag]
    assert all(q.action for q in flagged)
    if bank.id == "red-flags":
        assert len(flagged) >= 8


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents are not beside this checkout")
@pytest.mark.parametrize("bank", BANKS, ids=lambda b: b.id)
def test_no_sentence_copied_from_the_sources(bank: Bank) -> None:
    # Eight words in a row shared with a source is copying, not paraphrase.
    n = 8
    shingles: set[tuple[str, ...]] = set()
    for f in SEEDS.glob("*.txt"):
        w = _words(f.read_text("utf-8"))
        shingles.update(tuple(w[i : i + n]) for i in range(len(w) - n + 1))
    for q in bank.questions:
        texts = [q.prompt, q.explanation, q.back or "", q.action or ""]
        texts += [o.text for o in q.options] + [o.why or "" for o in q.options]
        for t in texts:
            w = _words(t)
            copied = [
                " ".join(w[i : i + n])
                for i in range(len(w) - n + 1)
                if tuple(w[i : i + n]) in shingles
            ]
            assert not copied, (q.id, copied)


def test_disclaimer_is_short_and_calm() -> None:
    text = disclaimer_text()
    assert 0 < len(text.splitlines()) <= 12
    assert "doctor" in text.lower()
    assert "!" not in text
