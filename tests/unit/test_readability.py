"""Reading level: textstat's arithmetic, medical words counted right, the right text scored."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import textstat

from quiz.bank.load import load_bank
from quiz.bank.readability import (
    SYLLABLE_OVERRIDES,
    TextCounts,
    bank_reading_grade,
    count_text,
    fk_grade,
    question_counts,
    question_reading_grade,
    scored_texts,
    word_syllables,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("fasciculation", 5),
        ("fasciculations", 5),
        ("Fasciculations", 5),
        ("electromyography", 7),
        ("EMG", 3),
        ("ALS", 3),
        ("MND", 3),
        ("GP", 2),
        ("nerve", 1),
        ("conduction", 3),
        ("muscle", 2),
        ("twitch", 1),
        ("ALS's", 3),
        ("cramp-fasciculation", 6),
    ],
)
def test_syllables(word: str, syllables: int) -> None:
    assert word_syllables(word) == syllables


def test_the_overrides_fix_what_textstat_miscounts() -> None:
    """Every override differs from textstat's own count, or is a word named in the guide."""
    for word, n in SYLLABLE_OVERRIDES.items():
        if word not in {"nerve", "conduction"}:
            assert textstat.syllable_count(word) != n, word


def test_nerve_conduction_counts_four_syllables() -> None:
    assert count_text("nerve conduction") == TextCounts(words=2, sentences=1, syllables=4)


def test_plain_text_grade_equals_textstat() -> None:
    text = (
        "Twitching in a muscle is very common in healthy people. Most twitches come and go "
        "on their own. Caffeine and stress can make them worse for a while."
    )
    assert fk_grade(text) == pytest.approx(textstat.flesch_kincaid_grade(text), abs=0.01)


def test_medical_words_raise_the_grade_above_textstat() -> None:
    text = "An EMG can show fasciculations. Doctors use it to check for ALS."
    # textstat reads EMG and ALS as one syllable each and fasciculations as six: 4.5
    assert textstat.flesch_kincaid_grade(text) == pytest.approx(4.45, abs=0.01)
    # E-M-G, A-L-S and fa-sic-u-la-tions make it 7.4
    assert fk_grade(text) == pytest.approx(7.4, abs=0.01)


def test_counting_rules() -> None:
    # a piece without a full stop is one sentence; hyphenated words are one word
    assert count_text("a well-known cramp") == TextCounts(3, 1, 1 + 2 + 1)
    assert count_text("One two three. Four five six! Seven?") == TextCounts(7, 3, 8)
    assert count_text("") == TextCounts()
    assert TextCounts().grade == 0.0
    # a cloze deletion is read as its hidden text
    assert count_text("A cramp is {{c1::painful::how it feels}}.") == count_text(
        "A cramp is painful."
    )


def test_scored_text_is_full_sentences_only() -> None:
    bank = load_bank(REPO / "tests/data/good/minimal.yaml")
    single = bank.question("what-is-twitch")
    texts = list(scored_texts(single))
    assert single.prompt in texts and single.explanation in texts
    assert all(o.why in texts for o in single.options)
    assert not any(o.text in texts for o in single.options)
    flash = bank.question("weak")
    assert flash.back in list(scored_texts(flash)) and flash.action in list(scored_texts(flash))
    cloze = bank.question("cloze-cramp")
    assert next(iter(scored_texts(cloze))) == cloze.cloze_revealed()
    typed = bank.question("emg")
    assert "EMG" not in list(scored_texts(typed))


def test_the_bank_grade_is_pooled_not_averaged() -> None:
    bank = load_bank(REPO / "tests/data/good/minimal.yaml")
    total = TextCounts()
    for q in bank.questions:
        total = total + question_counts(q)
    assert bank_reading_grade(bank) == pytest.approx(total.grade)
    mean = sum(question_reading_grade(q) for q in bank.questions) / len(bank.questions)
    assert bank_reading_grade(bank) != pytest.approx(mean)


def test_works_offline_without_nltk() -> None:
    """textstat 0.7.10+ downloads NLTK's CMUdict; 0.7.8 must not even import nltk."""
    code = (
        "import socket, sys\n"
        "def no_net(*a, **k): raise OSError('network disabled in this test')\n"
        "socket.socket.connect = no_net\n"
        "socket.create_connection = no_net\n"
        "from quiz.bank.readability import fk_grade\n"
        "print(round(fk_grade('Electromyography records fasciculations.'), 1))\n"
        "assert 'nltk' not in sys.modules\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert proc.returncode == 0, proc.stderr
    assert float(proc.stdout) > 12
