"""The bank linter: warnings about reading level, item-writing flaws and unsafe wording.

This module owns the lint rules (`RULES`, one id and a one-line description each, from which
docs/lint-rules.md is written) and `lint_bank`, which checks a loaded bank and returns
warnings at the exact line:col of the field concerned. Every rule can be silenced for one
question with the bank key `lint_ignore: [rule-id, ...]` on the question, or for the whole
bank with the same key at the top level (the loader folds it into every question). An
unknown rule id in `lint_ignore` is itself a warning, so that a typo does not silence nothing.

The loader has already rejected anything structurally wrong; lint findings are advice
(Severity.WARNING), and `quiz check --strict` turns them into a failure.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from quiz.bank.findings import Finding, FindingCollector, Severity
from quiz.bank.model import CHOICE_TYPES, Bank, Pos, Question, QuestionType
from quiz.bank.readability import TextCounts, question_counts

#: A bank's pooled Flesch-Kincaid grade above this is a warning.
BANK_GRADE_LIMIT = 8.0
#: One item's grade above this is a warning (single items are noisy, hence the margin).
ITEM_GRADE_LIMIT = 12.0
#: The correct option is "clearly" the longest when it is at least this many times as long
#: as the longest distractor ...
LONGEST_RATIO = 1.5
#: ... and at least this many characters longer (so that "Yes" / "No" never count).
LONGEST_MIN_EXTRA_CHARS = 10
#: `key-position` judges a bank with at least this many single items (fewer say nothing).
KEY_POSITION_MIN_ITEMS = 8
#: A position holds the key "far more often than chance" when so many or more would happen
#: by chance with a probability below this ...
KEY_POSITION_P = 0.01
#: ... and the count is at least this many times what chance gives.
KEY_POSITION_RATIO = 1.5
#: `multi-key-pattern` judges a bank with at least this many multi items.
MULTI_PATTERN_MIN_ITEMS = 3
#: `true-false-balance` judges a bank with at least this many true/false items ...
TRUE_FALSE_MIN_ITEMS = 4
#: ... and warns when fewer than this share of them are false (or fewer are true).
TRUE_FALSE_MIN_SHARE = 1 / 3


@dataclass(frozen=True, slots=True)
class LintRule:
    """One lint rule: its id (used in findings and in `lint_ignore`) and what it warns about."""

    id: str
    summary: str


#: Every lint rule, in the order the docs list them.
RULES: tuple[LintRule, ...] = (
    LintRule(
        "reading-level-bank",
        f"the bank's pooled text reads above US grade {BANK_GRADE_LIMIT:g} (Flesch-Kincaid)",
    ),
    LintRule(
        "reading-level-item",
        f"one item's text reads far above the target: grade above {ITEM_GRADE_LIMIT:g}",
    ),
    LintRule("all-none-of-the-above", 'an option says "all of the above" or "none of the above"'),
    LintRule(
        "negative-stem",
        "the prompt asks in the negative (not, except, least, -n't) without writing the word "
        "in capitals (NOT)",
    ),
    LintRule(
        "absolute-in-distractor",
        "a wrong option uses an absolute word (always, never, all, none, only, must, ...), "
        "a clue that it is wrong",
    ),
    LintRule(
        "longest-option-correct",
        f"the correct option is clearly the longest (at least {LONGEST_RATIO:g}x every wrong "
        "option), a clue to the answer",
    ),
    LintRule(
        "prompt-not-question",
        "the prompt of a single, multi, flashcard or typed item does not end with '?'",
    ),
    LintRule(
        "true-false-question",
        "a true_false prompt is a question; it should be a statement to judge",
    ),
    LintRule("repeated-option", "two options of one item say the same thing"),
    LintRule("distractor-without-why", "a wrong option has no `why` to show when it is picked"),
    LintRule("correct-without-why", "a correct option has no `why` to show when it is picked"),
    LintRule(
        "action-not-actionable",
        "a red_flag item's `action` does not tell the learner what to do (no clause starts "
        "with a verb such as see, call, ask, book, seek)",
    ),
    LintRule(
        "diagnostic-wording",
        'wording that diagnoses the learner ("you have ALS", "twitching means ALS", '
        '"you probably have ...")',
    ),
    LintRule(
        "verdict-why",
        "an option's `why` starts with a verdict (Right, Correct, Wrong, Yes, No, True, "
        "...); front ends label each why themselves",
    ),
    LintRule(
        "shuffle-without-order",
        "`shuffle: false` on options that show no order (fewer than two with a number or a "
        "scale or sequence word)",
    ),
    LintRule(
        "key-position",
        "the right option of the bank's single items is written in one position far more "
        "often than chance (bank level)",
    ),
    LintRule(
        "multi-key-pattern",
        "the bank's multi items all have the same number of right options, or the right "
        "options in the same positions (bank level)",
    ),
    LintRule(
        "true-false-balance",
        "fewer than a third of the bank's true_false items are false, or fewer than a third "
        "true (bank level)",
    ),
    LintRule("unknown-lint-rule", "`lint_ignore` names a rule that does not exist"),
)

RULE_IDS: frozenset[str] = frozenset(r.id for r in RULES)


@dataclass(frozen=True, slots=True)
class LintReport:
    """What linting a bank produced: its warnings and its pooled reading grade."""

    #: sorted by position; past MAX_FINDINGS_PER_FILE, a note stands for the rest
    findings: list[Finding]
    reading_grade: float
    #: warnings found past the cap (counted, not kept)
    more_warnings: int = 0


# -- text helpers -------------------------------------------------------------------------


def _normalise(text: str) -> str:
    """Text compared for sameness: no accents, case, outer punctuation or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = re.sub(r"\s+", " ", plain).strip()
    return plain.strip(" .,;:!?\"'()[]")


_ABOVE_RE = re.compile(
    r"\b(?:all|none|both|neither)\s+of\s+the\s+(?:above|options|answers|choices|these|others)\b"
    r"|\b(?:all|none)\s+of\s+these\b",
    re.IGNORECASE,
)

_ABSOLUTE_RE = re.compile(
    r"\b(?:always|never|all|none|only|must|every|everyone|everybody|everything|nobody|"
    r"nothing|no\s+one|completely|entirely|totally|definitely|certainly|guaranteed|"
    r"impossible)\b",
    re.IGNORECASE,
)

#: Negative words in a stem; matched case-insensitively, emphasised when written in capitals.
_NEGATIVE_RE = re.compile(r"\b(?:not|except|least|\w+n['\u2019]t|cannot)\b", re.IGNORECASE)
_NEGATIVE_STEM_TYPES = frozenset(
    {QuestionType.SINGLE, QuestionType.MULTI, QuestionType.TRUE_FALSE, QuestionType.TYPED}
)
_QUESTION_TYPES = frozenset(
    {QuestionType.SINGLE, QuestionType.MULTI, QuestionType.FLASHCARD, QuestionType.TYPED}
)

#: Verbs that tell a person what to do; an action needs a clause that starts with one.
ACTION_VERBS = frozenset(
    """see call contact ask book go tell seek get talk speak phone ring visit arrange make
    dial mention bring show write keep note track record return come stop avoid rest drink
    check use take follow read attend request phone email text let""".split()
)
#: Words that may come before the verb at the start of a clause ("Then please see ...",
#: "You should call ...", "It is best to ask ...").
_LEAD_IN = frozenset(
    """please then and or so also now first next just always still instead again you should
    can could need needs to must may might it is it's worth best wise a good idea better
    """.split()
)
_CLAUSE_SPLIT_RE = re.compile(r"[.!?;:,()\n\u2013\u2014]+|\s-\s|\b(?:and|or|then)\b")
_WORDS_RE = re.compile(r"[A-Za-z']+")

# -- diagnostic wording ---------------------------------------------------------------------

_DISEASE = (
    r"(?:(?-i:ALS|MND|MS|BFS|CFS)\b|motor\s+neur[oa]ne?\s+disease|amyotrophic\s+lateral\s+"
    r"sclerosis|lou\s+gehrig'?s?(?:\s+disease)?|benign\s+fasciculation\s+syndrome|"
    r"cramp[\s-]fasciculation\s+syndrome|multiple\s+sclerosis|(?:peripheral\s+)?neuropathy|"
    r"myopathy|myasthenia(?:\s+gravis)?|parkinson'?s(?:\s+disease)?|cancer|nerve\s+damage|"
    r"(?:a\s+|an\s+)?(?:serious\s+|neurological\s+|nerve\s+|muscle\s+|progressive\s+)+"
    r"(?:disease|disorder|condition|illness))"
)
_HEDGE = (
    r"(?:almost\s+certainly|most\s+likely|probably|likely|definitely|certainly|surely|clearly|"
    r"must|may|might|could)"
)
#: "you have ALS", "you probably have MND", "you don't have ALS", "you've got BFS".
_YOU_HAVE_RE = re.compile(
    rf"\byou(?:\s+{_HEDGE})?\s*(?:have(?:\s+got)?|'ve\s+got|'ve|got|do\s+not\s+have|"
    rf"don't\s+have|are\s+suffering\s+from|suffer\s+from|are\s+in\s+the\s+early\s+stages\s+of)"
    rf"\s+(?:a\s+|an\s+|the\s+|early\s+)?{_DISEASE}",
    re.IGNORECASE,
)
#: "you probably have ..." whatever follows (a guess at a diagnosis), unless a participle
#: follows ("you probably have heard").
_YOU_PROBABLY_RE = re.compile(
    r"\byou\s+(?:almost\s+certainly|most\s+likely|probably|likely|definitely|certainly)\s+"
    r"(?:have|'ve\s+got|do\s+not\s+have|don't\s+have)\b"
    r"(?!\s+(?:been|had|heard|seen|felt|read|done|made|got|tried|noticed|\w+ed)\b)",
    re.IGNORECASE,
)
#: "twitching means ALS", "this is ALS", "your twitches mean you have MND", "it's probably
#: ALS". The verb must follow its subject directly: "twitching alone rarely means ALS" and
#: "twitching does not mean ALS" teach, they do not diagnose.
_MEANS_RE = re.compile(
    r"\b(?:twitch(?:es|ing)?|fasciculations?|cramps?|it|this|that|these|those|your\s+"
    r"(?:twitch(?:es|ing)?|symptoms?|fasciculations?|cramps?))"
    r"(?:\s+alone|\s+on\s+(?:its|their)\s+own)?"
    r"\s*(?:means?|'s|is|are|signals?|indicates?|shows?|confirms?|points?\s+to|=)\s+"
    rf"(?:that\s+)?(?:you\s+have\s+)?(?:{_HEDGE}\s+)?(?:a\s+|an\s+|the\s+)?"
    rf"(?:(?:early\s+|first\s+|sure\s+|clear\s+)?(?:sign|symptom)s?\s+of\s+)?{_DISEASE}",
    re.IGNORECASE,
)
#: Words that make a clause hypothetical or reported rather than a claim about the learner.
_NOT_A_CLAIM_RE = re.compile(
    r"\b(?:if|whether|unless|in\s+case|worr(?:y|ied|ies|ying)|fear(?:s|ed)?|afraid|think|"
    r"thinking|wonder(?:ing)?|mean|means|meaning|assume|assuming|suppose|not|never|no|nor|"
    r"rarely|seldom|hardly|unlikely|doubt)\b|n't\b",
    re.IGNORECASE,
)
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+|\n+")


def diagnostic_phrase(text: str) -> str | None:
    """The first phrase in `text` that diagnoses the learner, or None.

    A sentence that is a question, and a clause that is hypothetical ("if you have ALS, ...")
    or reported ("worried that you have ALS", "this does not mean you have ALS"), is not a
    diagnosis.
    """
    for sentence in _SENTENCE_SPLIT_RE.split(text):
        if sentence.rstrip().endswith("?"):
            continue
        for clause in re.split(r"[,;:\u2013\u2014]|\s-\s", sentence):
            for pattern in (_MEANS_RE, _YOU_HAVE_RE, _YOU_PROBABLY_RE):
                match = pattern.search(clause)
                if match is None:
                    continue
                if _NOT_A_CLAIM_RE.search(clause[: match.start()]):
                    continue
                return " ".join(match.group(0).split())
    return None


def is_actionable(action: str) -> bool:
    """Whether some clause of the text starts (after lead-ins like "please") with an action verb."""
    for clause in _CLAUSE_SPLIT_RE.split(action):
        words = [w.lower() for w in _WORDS_RE.findall(clause)]
        for word in words:
            if word in ACTION_VERBS:
                return True
            if word not in _LEAD_IN:
                break
    return False


# -- verdicts, order words, keyed positions --------------------------------------------------

#: Words and phrases that judge the learner's answer; a `why` must not start with one
#: followed by punctuation or the end of the text ("Right.", "No, ...", "Not quite:").
VERDICTS: tuple[str, ...] = (
    "right", "correct", "wrong", "incorrect", "yes", "no", "true", "false", "exactly",
    "indeed", "nope", "yep", "yeah", "absolutely", "precisely", "spot on", "well done",
    "good job", "great", "good", "nice", "not quite", "not really", "not exactly", "not so",
    "sorry", "careful", "oops", "close", "almost", "partly", "partly right", "right answer",
    "correct answer", "wrong answer", "good choice", "well spotted", "you're right",
    "you are right", "you're wrong", "you are wrong",
    *(
        f"{subject} {verb}{neg} {word}"
        for subject, verb in (("that", "is"), ("this", "is"), ("it", "is"))
        for neg in ("", " not")
        for word in ("right", "correct", "wrong", "incorrect", "true", "false")
    ),
    *(
        f"{subject}'s{neg} {word}"
        for subject in ("that", "this", "it")
        for neg in ("", " not")
        for word in ("right", "correct", "wrong", "incorrect", "true", "false")
    ),
)  # fmt: skip
_VERDICT_RE = re.compile(
    r"^\W*(" + "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in
    sorted(VERDICTS, key=len, reverse=True)) + r")(?:\s*[.,!;:\u2026\u2013\u2014)]|\s+-|\s*$)",
    re.IGNORECASE,
)  # fmt: skip

#: Words that show options form a scale or a sequence (frequency, degree, time, order,
#: agreement, likelihood, counting): with `shuffle: false`, at least two options need one
#: (or a number).
ORDER_WORDS = frozenset(
    """never rarely seldom sometimes occasionally often frequently usually mostly always
    daily weekly monthly yearly hourly once twice none mild moderate severe slight slightly
    little some much more most less least few fewer many very extremely somewhat fairly low
    lower lowest medium high higher highest small smaller smallest large larger largest short
    shorter long longer longest better worse best worst same second seconds minute minutes
    hour hours day days week weeks month months year years immediately soon later today
    tomorrow tonight now before after first third fourth fifth then next finally last early
    earlier late within agree disagree neutral strongly unsure one two three four five six
    seven eight nine ten twenty hundred half quarter unlikely likely possible probable
    certain impossible""".split()
)
_ORDER_TOKEN_RE = re.compile(r"[0-9]|[^\W\d_]+", re.UNICODE)


def verdict_opening(text: str) -> str | None:
    """The verdict a text opens with ("Right", "Not quite", "That's wrong"), or None."""
    match = _VERDICT_RE.match(text.replace("\u2019", "'"))
    return " ".join(match.group(1).split()) if match else None


def shows_order(text: str) -> bool:
    """Whether an option's text carries a sign of a scale or a sequence: a number or one of
    `ORDER_WORDS`."""
    return any(t.isdigit() or t.casefold() in ORDER_WORDS for t in _ORDER_TOKEN_RE.findall(text))


def at_least_by_chance(k: int, chances: list[float]) -> float:
    """The probability that `k` or more of independent events with these chances happen (the
    tail of a Poisson binomial distribution): exact up to 200 events, beyond that by the
    normal approximation (with a continuity correction), which is close there."""
    if k <= 0:
        return 1.0
    if k > len(chances):
        return 0.0
    if len(chances) > 200:
        mean = sum(chances)
        var = sum(p * (1 - p) for p in chances)
        if var == 0:
            return 1.0 if mean >= k else 0.0
        return 0.5 * math.erfc((k - 0.5 - mean) / math.sqrt(2 * var))
    # below[j]: the probability of exactly j events so far, for j < k
    below = [1.0] + [0.0] * (k - 1)
    for p in chances:
        for j in range(k - 1, 0, -1):
            below[j] = below[j] * (1 - p) + below[j - 1] * p
        below[0] *= 1 - p
    return max(0.0, 1.0 - sum(below))


def _positions(indexes: tuple[int, ...]) -> str:
    numbers = [str(i + 1) for i in indexes]
    if len(numbers) == 1:
        return f"option {numbers[0]}"
    return "options " + ", ".join(numbers[:-1]) + " and " + numbers[-1]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _unemphasised_negative(prompt: str) -> str | None:
    for match in _NEGATIVE_RE.finditer(prompt):
        word = match.group(0)
        if not word.isupper():
            return word
    return None


# -- the linter ---------------------------------------------------------------------------


class _Linter:
    """Collects the warnings about one bank."""

    def __init__(self, bank: Bank, path: str) -> None:
        self.bank = bank
        self.path = path
        #: the warnings (the first MAX_FINDINGS_PER_FILE of them; the rest counted)
        self.found = FindingCollector(path)

    def warn(self, q: Question | None, pos: Pos, rule: str, message: str) -> None:
        """A warning, unless the question silences this rule with `lint_ignore`."""
        if q is None or rule not in q.lint_ignore:
            self._add(q, pos, rule, message)

    def _add(self, q: Question | None, pos: Pos, rule: str, message: str) -> None:
        qid = q.id if q is not None else None
        self.found.offer(
            pos.line,
            pos.col,
            Severity.WARNING,
            lambda: Finding(self.path, pos.line, pos.col, Severity.WARNING, rule, message, qid),
            tie=rule,
        )

    def run(self) -> LintReport:
        bank = self.bank
        total = TextCounts()
        for q in bank.questions:
            counts = question_counts(q)
            total = total + counts
            self.question(q, counts)
        grade = total.grade
        bank_ignored = bool(bank.questions) and all(
            "reading-level-bank" in q.lint_ignore for q in bank.questions
        )
        if grade > BANK_GRADE_LIMIT and not bank_ignored:
            self.warn(
                None,
                bank.pos,
                "reading-level-bank",
                f"the bank reads at US grade {grade:.1f} (Flesch-Kincaid, prompts, "
                f"explanations, whys, backs and actions pooled); aim for "
                f"{BANK_GRADE_LIMIT:g} or lower: shorter sentences, plainer words",
            )
        self.key_position()
        self.multi_key_pattern()
        self.true_false_balance()
        self.unknown_ignores()
        return LintReport(self.found.findings(), grade, self.found.more_warnings)

    def _counted(self, qtype: QuestionType, rule: str) -> list[Question]:
        """The bank's items of this type that a bank-level rule counts: all but those that
        silence the rule in their own `lint_ignore` (a bank-level `lint_ignore` silences
        it for every item, so nothing is counted)."""
        return [q for q in self.bank.questions if q.type is qtype and rule not in q.lint_ignore]

    def key_position(self) -> None:
        """`key-position`: one written position holds the right option of single items far
        more often than chance (each item's chance is 1 / its number of options)."""
        items = self._counted(QuestionType.SINGLE, "key-position")
        if len(items) < KEY_POSITION_MIN_ITEMS:
            return
        widest = max(len(q.options) for q in items)
        for position in range(widest):
            chances = [1 / len(q.options) for q in items if len(q.options) > position]
            count = sum(1 for q in items if q.correct_options == (position,))
            expected = sum(chances)
            if count < KEY_POSITION_RATIO * expected:
                continue
            if at_least_by_chance(count, chances) >= KEY_POSITION_P:
                continue
            self._add(
                None,
                self.bank.pos,
                "key-position",
                f"the right option of {count} of {len(items)} single items is written as "
                f"option {position + 1} (by chance: about {expected:.0f}); where the written "
                "order shows (shuffle: false, print, preview) it gives the answer away: "
                "spread the right options over all positions",
            )

    def multi_key_pattern(self) -> None:
        """`multi-key-pattern`: every multi item has its right options in the same written
        positions, or the same number of right options."""
        items = self._counted(QuestionType.MULTI, "multi-key-pattern")
        if len(items) < MULTI_PATTERN_MIN_ITEMS:
            return
        keys = {q.correct_options for q in items}
        counts = {len(k) for k in keys}
        if len(keys) == 1:
            (key,) = keys
            message = (
                f"the right options of all {len(items)} multi items are {_positions(key)}: "
                "vary which options are right and how many"
            )
        elif len(counts) == 1:
            (count,) = counts
            message = (
                f"all {len(items)} multi items have exactly {count} right option"
                f"{'s' if count != 1 else ''}, so a learner can count instead of knowing: "
                "vary how many are right"
            )
        else:
            return
        self._add(None, self.bank.pos, "multi-key-pattern", message)

    def true_false_balance(self) -> None:
        """`true-false-balance`: fewer than a third of the true/false keys are false (or
        true), when there are enough items to judge."""
        items = self._counted(QuestionType.TRUE_FALSE, "true-false-balance")
        if len(items) < TRUE_FALSE_MIN_ITEMS:
            return
        true = sum(1 for q in items if q.answer)
        false = len(items) - true
        for fewer, name, other in ((false, "false", "true"), (true, "true", "false")):
            if fewer < TRUE_FALSE_MIN_SHARE * len(items):
                share = f"only {fewer} of {len(items)}" if fewer else f"none of {len(items)}"
                self._add(
                    None,
                    self.bank.pos,
                    "true-false-balance",
                    f"{share} true_false items are {name}, so answering "
                    f"'{other}' to every one scores well: aim for about half of each "
                    "(at least a third)",
                )

    def unknown_ignores(self) -> None:
        """Warn about unknown ids in `lint_ignore`, where they are written.

        The model keeps only each question's merged set, so an id found in every question
        of a bank that has a top-level `lint_ignore` is taken to come from the top level.
        """
        bank = self.bank
        bank_level: frozenset[str] = frozenset()
        if "lint_ignore" in bank.positions and bank.questions:
            bank_level = frozenset.intersection(*(q.lint_ignore for q in bank.questions))
            for rule in sorted(bank_level - RULE_IDS):
                self._unknown(None, bank.positions["lint_ignore"], rule)
        for q in bank.questions:
            for rule in sorted(q.lint_ignore - RULE_IDS - bank_level):
                self._unknown(q, q.pos_of("lint_ignore"), rule)

    def _unknown(self, q: Question | None, pos: Pos, rule: str) -> None:
        import difflib

        close = difflib.get_close_matches(rule, sorted(RULE_IDS), n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        # not `warn`: naming this rule in lint_ignore must not silence it
        self._add(q, pos, "unknown-lint-rule", f"lint_ignore names an unknown rule '{rule}'{hint}")

    def question(self, q: Question, counts: TextCounts) -> None:
        grade = counts.grade
        if grade > ITEM_GRADE_LIMIT:
            self.warn(
                q,
                q.pos,
                "reading-level-item",
                f"this item reads at US grade {grade:.1f} (Flesch-Kincaid); aim for "
                f"{BANK_GRADE_LIMIT:g} or lower",
            )
        self.prompt_form(q)
        if q.type in CHOICE_TYPES:
            self.options(q)
        if q.red_flag and q.action and not is_actionable(q.action):
            self.warn(
                q,
                q.pos_of("action"),
                "action-not-actionable",
                "the action does not say what to do: start with a verb, e.g. "
                "'See your doctor if ...', 'Call 999 if ...'",
            )
        for key, text in self.voiced_texts(q):
            phrase = diagnostic_phrase(text)
            if phrase is not None:
                self.warn(
                    q,
                    q.pos_of(key),
                    "diagnostic-wording",
                    f"'{phrase}' reads as a diagnosis of the learner; teach instead "
                    "(e.g. 'twitching alone rarely means ALS') and point to a doctor",
                )

    def prompt_form(self, q: Question) -> None:
        prompt = q.prompt.rstrip().rstrip("\"')\u201d\u2019]")
        if q.type in _QUESTION_TYPES and not prompt.endswith("?"):
            self.warn(
                q,
                q.pos_of("prompt"),
                "prompt-not-question",
                f"the prompt of a '{q.type.value}' item should be a question ending with '?'",
            )
        if q.type is QuestionType.TRUE_FALSE and prompt.endswith("?"):
            self.warn(
                q,
                q.pos_of("prompt"),
                "true-false-question",
                "a true_false prompt should be a statement to judge true or false, not a question",
            )
        if q.type in _NEGATIVE_STEM_TYPES:
            word = _unemphasised_negative(q.prompt)
            if word is not None:
                self.warn(
                    q,
                    q.pos_of("prompt"),
                    "negative-stem",
                    f"the prompt asks in the negative ('{word}'): ask positively, or write "
                    f"the word in capitals ('{word.upper()}') so that it is not missed",
                )

    def options(self, q: Question) -> None:
        seen: dict[str, int] = {}
        for i, option in enumerate(q.options):
            text_pos = q.pos_of(f"options.{i}.text")
            above = _ABOVE_RE.search(option.text)
            if above:
                self.warn(
                    q,
                    text_pos,
                    "all-none-of-the-above",
                    f"option {i + 1} says '{_one_line(above.group(0))}': write each option "
                    "as its own answer",
                )
            if not option.correct:
                absolute = _ABSOLUTE_RE.search(_ABOVE_RE.sub(" ", option.text))
                if absolute:
                    self.warn(
                        q,
                        text_pos,
                        "absolute-in-distractor",
                        f"wrong option {i + 1} says '{_one_line(absolute.group(0))}': "
                        "absolute words give wrong options away",
                    )
            key = _normalise(option.text)
            if key in seen:
                self.warn(
                    q,
                    text_pos,
                    "repeated-option",
                    f"option {i + 1} repeats option {seen[key] + 1}",
                )
            else:
                seen[key] = i
            if option.why is not None:
                verdict = verdict_opening(option.why)
                if verdict is not None:
                    self.warn(
                        q,
                        q.pos_of(f"options.{i}.why"),
                        "verdict-why",
                        f"the why of option {i + 1} starts with '{verdict}': front ends "
                        "label each why themselves ('Why this is right', 'Why not'), and a "
                        "verdict reads wrong under an answer the learner got wrong; start "
                        "with the reason",
                    )
            else:
                if option.correct:
                    self.warn(
                        q,
                        q.pos_of(f"options.{i}"),
                        "correct-without-why",
                        f"correct option {i + 1} has no 'why' (shown when it is picked)",
                    )
                else:
                    self.warn(
                        q,
                        q.pos_of(f"options.{i}"),
                        "distractor-without-why",
                        f"wrong option {i + 1} has no 'why': say why it is wrong",
                    )
        self.longest_correct(q)
        if not q.shuffle and sum(1 for o in q.options if shows_order(o.text)) < 2:
            self.warn(
                q,
                q.pos_of("shuffle"),
                "shuffle-without-order",
                "shuffle: false keeps the written order, but these options do not look like "
                "a scale or a sequence (no numbers, no words such as never/often/always, "
                "mild/severe, days/weeks): let them be shuffled, or silence this rule if "
                "the order matters",
            )

    def longest_correct(self, q: Question) -> None:
        correct = [len(_normalise(o.text)) for o in q.options if o.correct]
        wrong = [len(_normalise(o.text)) for o in q.options if not o.correct]
        if not correct or not wrong:
            return
        shortest_correct, longest_wrong = min(correct), max(wrong)
        if (
            shortest_correct >= LONGEST_RATIO * longest_wrong
            and shortest_correct - longest_wrong >= LONGEST_MIN_EXTRA_CHARS
        ):
            first = q.correct_options[0]
            self.warn(
                q,
                q.pos_of(f"options.{first}.text"),
                "longest-option-correct",
                f"the correct option is much longer than every wrong one ({shortest_correct} "
                f"vs at most {longest_wrong} characters), a clue to the answer: make the "
                "options alike in length",
            )

    def voiced_texts(self, q: Question) -> Iterator[tuple[str, str]]:
        """The texts in which the bank speaks to the learner, keyed by field path.

        Text that the item itself marks as wrong (a wrong option, a false true/false
        statement) is left out: stating a misconception in order to correct it is teaching.
        """
        if not (q.type is QuestionType.TRUE_FALSE and q.answer is False):
            yield "prompt", q.prompt
        yield "explanation", q.explanation
        for i, option in enumerate(q.options):
            if option.correct:
                yield f"options.{i}.text", option.text
            if option.why:
                yield f"options.{i}.why", option.why
        if q.back:
            yield "back", q.back
        if q.action:
            yield "action", q.action
        for answer in q.answers:
            yield "answers", answer


def rules_markdown_table() -> str:
    """The rule table as Markdown, as docs/lint-rules.md carries it (a test keeps them equal)."""
    lines = ["| rule id | warns when |", "|---|---|"]
    lines += [f"| `{r.id}` | {r.summary.replace('|', '/')} |" for r in RULES]
    return "\n".join(lines) + "\n"


def _display(path: Path | None) -> str:
    if path is None:
        return "<bank>"
    from quiz.bank.load import display_path

    return display_path(path)


def lint_bank_report(bank: Bank, *, path: str | None = None) -> LintReport:
    """Lint a loaded bank: its warnings (sorted by position) and its pooled reading grade.

    Findings name `path`, by default the bank's file as a person would type it.
    """
    return _Linter(bank, path if path is not None else _display(bank.path)).run()


def lint_bank(bank: Bank, *, path: str | None = None) -> list[Finding]:
    """Every lint warning about a loaded bank, sorted by line and column."""
    return lint_bank_report(bank, path=path).findings


__all__ = [
    "ORDER_WORDS",
    "RULES",
    "VERDICTS",
    "RULE_IDS",
    "LintReport",
    "LintRule",
    "diagnostic_phrase",
    "is_actionable",
    "lint_bank",
    "lint_bank_report",
    "rules_markdown_table",
    "shows_order",
    "verdict_opening",
]
