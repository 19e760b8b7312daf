"""Load a YAML bank file into the typed model, or fail with every error found at file:line:col.

Parsing is safe: the file is only *composed* (libyaml's C parser when available) into a node
tree that carries line marks, and this module builds the model from the nodes itself. Nothing
is ever constructed from a YAML tag, so `!!python/object` and friends cannot run code; they
are reported as errors. The walk also guards what PyYAML does not: duplicate keys, alias bombs
(a node budget proportional to the file size), deep nesting and oversized files.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from quiz.bank.catalog import (
    MAX_FILE_BYTES,
    BankFileError,
    bank_digest,
    file_too_large,
    read_bank_bytes,
)
from quiz.bank.findings import BankLoadError, Finding, FindingCollector, Severity
from quiz.bank.gcpause import gc_paused
from quiz.bank.model import (
    Bank,
    Option,
    Pos,
    Question,
    QuestionType,
    Source,
    SourceRef,
    cloze_spans,
)
from quiz.safe_text import (
    character_name,
    has_unsafe_characters,
    safe_line,
    unsafe_characters,
)

#: Deepest nesting accepted (a bank needs about 5).
MAX_DEPTH = 32
#: Options of a single/multi question.
MIN_OPTIONS, MAX_OPTIONS = 3, 5
#: Cloze numbers Anki accepts: it reads N as a 16-bit number and makes card N-1 of the
#: note; `{{c65536::x}}` is left as literal text (showing the answer), a card number past
#: 65535 makes its importer refuse the whole package, and `c0` makes no card.
MIN_CLOZE_NUMBER, MAX_CLOZE_NUMBER = 1, 65535
#: Deletions in one cloze prompt: each is a blank the learner types (a field on screen).
MAX_CLOZE_DELETIONS = 50

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

_Loader: type = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader

_T = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = _T + "str", _T + "int", _T + "float", _T + "bool", _T + "null"
_TIMESTAMP, _MAP, _SEQ = _T + "timestamp", _T + "map", _T + "seq"
_PLAIN_TAGS = frozenset({_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP, _MAP, _SEQ})

BANK_KEYS = (
    "id",
    "title",
    "description",
    "language",
    "version",
    "sources",
    "questions",
    "lint_ignore",
)
SOURCE_KEYS = ("id", "title", "publisher", "date", "url")
COMMON_QUESTION_KEYS = (
    "id",
    "type",
    "prompt",
    "explanation",
    "source",
    "topics",
    "red_flag",
    "action",
    "lint_ignore",
)
TYPE_KEYS: dict[QuestionType, tuple[str, ...]] = {
    QuestionType.SINGLE: ("options",),
    QuestionType.MULTI: ("options",),
    QuestionType.TRUE_FALSE: ("answer",),
    QuestionType.FLASHCARD: ("back",),
    QuestionType.CLOZE: (),
    QuestionType.TYPED: ("answers",),
}
#: keys a type may have but does not need
OPTIONAL_TYPE_KEYS: dict[QuestionType, tuple[str, ...]] = {
    QuestionType.SINGLE: ("shuffle",),
    QuestionType.MULTI: ("shuffle",),
    QuestionType.TRUE_FALSE: (),
    QuestionType.FLASHCARD: (),
    QuestionType.CLOZE: ("alternatives",),
    QuestionType.TYPED: (),
}
ALL_TYPE_KEYS = frozenset(
    k for table in (TYPE_KEYS, OPTIONAL_TYPE_KEYS) for keys in table.values() for k in keys
)
_CLOZE_KEY = re.compile(r"c([0-9]{1,5})")
OPTION_KEYS = ("text", "correct", "why")
SOURCE_REF_KEYS = ("id", "section")

_KIND = {
    _STR: "text",
    _INT: "a number",
    _FLOAT: "a number",
    _BOOL: "true/false",
    _NULL: "nothing (null)",
    _TIMESTAMP: "a date",
    _MAP: "a mapping",
    _SEQ: "a list",
}


def _shown(value: object, limit: int = 60) -> str:
    """A value from the file as quoted in a message: one printable line, clipped if long."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "\u2026"
    return safe_line(text)


def _pos(node: Node) -> Pos:
    return Pos(node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    """Walks one composed document and builds the model, collecting findings."""

    def __init__(self, path: str, budget: int) -> None:
        self.path = path
        #: the errors reported (the first MAX_FINDINGS_PER_FILE of them; the rest counted)
        self.found = FindingCollector(path)
        self.budget = budget
        self.question: str | None = None
        #: nodes already reported for a disallowed tag (not reported again as a wrong type)
        self.unsafe_nodes: set[int] = set()
        #: errors found so far, counting those not reported again (a part of the bank that
        #: is built only when no error was found in it compares this count)
        self.errors = 0

    # -- reporting ------------------------------------------------------------------------
    def error(self, node: Node | Pos, rule: str, message: str) -> None:
        self.errors += 1
        if rule == "wrong-type" and id(node) in self.unsafe_nodes:
            return
        p = node if isinstance(node, Pos) else _pos(node)
        question = self.question
        self.found.offer(
            p.line,
            p.col,
            Severity.ERROR,
            lambda: Finding(
                self.path, p.line, p.col, Severity.ERROR, rule, safe_line(message), question
            ),
        )

    def load_error(self) -> BankLoadError:
        """The errors reported, as the exception that carries them."""
        return BankLoadError(self.found.findings(), self.found.more_errors)

    # -- structural guards ----------------------------------------------------------------
    def check_tree(self, node: Node, depth: int = 0) -> bool:
        """Depth, budget (alias bombs), tags and duplicate keys, over the whole tree.

        The budget is spent on every value met, and on every character of text met: an
        alias to a long string is as costly to look at (and to build a bank from) as the
        text it repeats, so a small file of many aliases to one megabyte of text is refused
        like one of many aliases to many values.

        Returns False when the tree is too large or deep to look at any further.
        """
        stack: list[tuple[Node, int]] = [(node, depth)]
        has_unsafe = has_unsafe_characters  # a local name: this runs once per value
        while stack:
            n, d = stack.pop()
            if not self.spend(n, 1 + len(n.value) if isinstance(n, ScalarNode) else 1):
                return False
            if d > MAX_DEPTH:
                self.error(n, "too-deep", f"values are nested more than {MAX_DEPTH} levels deep")
                return False
            if n.tag not in _PLAIN_TAGS:
                self.unsafe_tag(n)
                continue
            if isinstance(n, ScalarNode):
                if has_unsafe(n.value):
                    self.refuse_characters(n)
            elif isinstance(n, MappingNode):
                seen: dict[object, Node] = {}
                for k, v in n.value:
                    if isinstance(k, ScalarNode) and k.tag == _T + "merge":
                        self.error(k, "unsafe-tag", "merge keys ('<<') are not supported")
                    elif k.tag not in _PLAIN_TAGS:
                        self.unsafe_tag(k)
                    elif isinstance(k, ScalarNode):
                        if not self.spend(k, len(k.value)):
                            return False
                        if has_unsafe(k.value):
                            self.refuse_characters(k)
                        if k.value in seen:
                            first = _pos(seen[k.value])
                            self.error(
                                k,
                                "duplicate-key",
                                f"duplicate key '{_shown(k.value)}' (first at line {first.line})",
                            )
                        else:
                            seen[k.value] = k
                    else:
                        self.error(k, "wrong-type", "a key must be plain text")
                    stack.append((v, d + 1))
            elif isinstance(n, SequenceNode):
                stack.extend((c, d + 1) for c in n.value)
        return True

    def spend(self, node: Node, cost: int) -> bool:
        """Take `cost` from the budget; False (and the error reported) once it is spent."""
        self.budget -= cost
        if self.budget >= 0:
            return True
        self.error(
            node,
            "too-many-nodes",
            "the document expands to far more values than its size allows (repeated aliases?)",
        )
        return False

    def unsafe_tag(self, node: Node) -> None:
        """Report a node's tag (`!!binary`, `!foo`, a `%TAG` shorthand): a bank has none."""
        self.unsafe_nodes.add(id(node))
        self.error(
            node,
            "unsafe-tag",
            f"the tag '{_shown(node.tag)}' is not allowed: a bank holds only plain text, "
            "numbers, true/false, lists and mappings",
        )

    def refuse_characters(self, node: ScalarNode) -> None:
        """Refuse terminal control characters and bidirectional overrides in bank text.

        YAML lets a double-quoted string write any of them as an escape (`"\\e]52;..."`); on
        a learner's terminal they would be commands (clipboard, hyperlinks, clearing the
        screen) or would make text show other than it reads. Newline and tab are text.
        """
        found = unsafe_characters(node.value)
        index, char = found[0]
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        self.error(
            node,
            "control-character",
            f"the text holds the control character {character_name(char)} at character "
            f"{index + 1}{more}: bank text may not contain terminal control characters or "
            "bidirectional overrides",
        )

    # -- typed accessors ------------------------------------------------------------------
    def mapping(
        self,
        node: Node,
        what: str,
        allowed: tuple[str, ...] | frozenset[str],
    ) -> dict[str, tuple[ScalarNode, Node]] | None:
        if not isinstance(node, MappingNode):
            self.error(
                node,
                "wrong-type",
                f"{what} must be a mapping of keys to values, "
                f"found {_KIND.get(node.tag, node.tag)}",
            )
            return None
        out: dict[str, tuple[ScalarNode, Node]] = {}
        for k, v in node.value:
            if not isinstance(k, ScalarNode):
                continue
            if k.value not in allowed:
                self.error(
                    k,
                    "unknown-key",
                    f"unknown key '{_shown(k.value)}' in {what}{_did_you_mean(k.value, allowed)}",
                )
                continue
            out.setdefault(k.value, (k, v))
        return out

    def require(
        self, m: dict[str, tuple[ScalarNode, Node]], key: str, owner: Node, what: str
    ) -> Node | None:
        if key not in m:
            self.error(owner, "missing-key", f"{what} needs '{key}'")
            return None
        return m[key][1]

    def text(self, node: Node | None, what: str, *, required: bool = True) -> str | None:
        if node is None:
            return None
        if not isinstance(node, ScalarNode) or node.tag != _STR:
            kind = _KIND.get(node.tag, node.tag)
            hint = " (put it in quotes)" if isinstance(node, ScalarNode) else ""
            self.error(node, "wrong-type", f"{what} must be text, found {kind}{hint}")
            return None
        value = str(node.value).strip()
        if required and not value:
            self.error(node, "empty-text", f"{what} is empty")
            return None
        return value

    def scalar_text(self, node: Node | None, what: str) -> str | None:
        """Text, a number or a date, kept as the characters written (for version, date)."""
        if node is None:
            return None
        if not isinstance(node, ScalarNode) or node.tag in (_BOOL, _NULL):
            self.error(node, "wrong-type", f"{what} must be text or a number")
            return None
        return str(node.value).strip()

    def boolean(self, node: Node | None, what: str) -> bool | None:
        if node is None:
            return None
        if not isinstance(node, ScalarNode) or node.tag != _BOOL:
            self.error(
                node,
                "wrong-type",
                f"{what} must be true or false, found {_KIND.get(node.tag, node.tag)}",
            )
            return None
        return str(node.value).lower() in ("true", "yes", "on", "y")

    def seq(self, node: Node | None, what: str) -> list[Node] | None:
        if node is None:
            return None
        if not isinstance(node, SequenceNode):
            self.error(
                node, "wrong-type", f"{what} must be a list, found {_KIND.get(node.tag, node.tag)}"
            )
            return None
        return list(node.value)

    def slug(self, node: Node | None, what: str) -> str | None:
        value = self.text(node, what)
        if value is not None and node is not None and not SLUG_RE.match(value):
            self.error(
                node,
                "bad-id",
                f"{what} '{_shown(value)}' must be a lowercase slug such as "
                "'weakness-key' (letters, digits and single hyphens)",
            )
            return None
        return value

    def text_list(self, node: Node | None, what: str, *, slugs: bool = False) -> list[str]:
        items = self.seq(node, what) or []
        out = []
        for i, item in enumerate(items):
            v = (self.slug if slugs else self.text)(item, f"{what} item {i + 1}")
            if v is not None:
                out.append(v)
        return out

    # -- the bank -------------------------------------------------------------------------
    def bank(self, root: Node, file: Path | None, digest: str | None = None) -> Bank | None:
        m = self.mapping(root, "the bank (top level)", BANK_KEYS)
        if m is None:
            return None
        bank_id = self.slug(self.require(m, "id", root, "the bank"), "bank id")
        title = self.text(self.require(m, "title", root, "the bank"), "title")
        description = self.text(self.require(m, "description", root, "the bank"), "description")
        language = self.text(m["language"][1], "language") if "language" in m else "en"
        version = self.scalar_text(self.require(m, "version", root, "the bank"), "version")

        sources: list[Source] = []
        source_ids: set[str] = set()
        for node in self.seq(self.require(m, "sources", root, "the bank"), "sources") or []:
            s = self.source(node)
            if s is None:
                continue
            if s.id in source_ids:
                self.error(node, "duplicate-id", f"source id '{_shown(s.id)}' is declared twice")
            source_ids.add(s.id)
            sources.append(s)

        questions: list[Question] = []
        first_at: dict[str, Pos] = {}
        qnodes = self.seq(self.require(m, "questions", root, "the bank"), "questions")
        if qnodes is not None and not qnodes:
            self.error(m["questions"][1], "empty-bank", "the bank has no questions")
        for node in qnodes or []:
            q = self.question_(node, source_ids)
            if q is None:
                continue
            if q.id in first_at:
                self.question = q.id
                self.error(
                    q.pos,
                    "duplicate-id",
                    f"question id '{q.id}' is used twice (first at line "
                    f"{first_at[q.id].line}); ids must be unique in a bank",
                )
                self.question = None
                continue
            first_at[q.id] = q.pos
            questions.append(q)

        bank_ignore = frozenset(
            self.text_list(m["lint_ignore"][1], "lint_ignore") if "lint_ignore" in m else []
        )
        if (
            bank_id is None
            or title is None
            or description is None
            or language is None
            or version is None
        ):
            return None
        positions = {k: _pos(v) for k, (_, v) in m.items()}
        bank = Bank(
            bank_id,
            title,
            description,
            language,
            version,
            tuple(sources),
            tuple(questions),
            file,
            _pos(root),
            positions,
            digest,
        )
        return _with_bank_ignore(bank, bank_ignore)

    def source(self, node: Node) -> Source | None:
        m = self.mapping(node, "a source", SOURCE_KEYS)
        if m is None:
            return None
        sid = self.slug(self.require(m, "id", node, "a source"), "source id")
        title = self.text(self.require(m, "title", node, "a source"), "source title")
        publisher = self.text(m["publisher"][1], "publisher") if "publisher" in m else None
        date = self.scalar_text(m["date"][1], "date") if "date" in m else None
        url = self.text(m["url"][1], "url") if "url" in m else None
        if sid is None or title is None:
            return None
        return Source(sid, title, publisher, date, url)

    def question_(self, node: Node, source_ids: set[str]) -> Question | None:
        self.question = None
        if isinstance(node, MappingNode):
            for k, v in node.value:
                if isinstance(k, ScalarNode) and k.value == "id" and isinstance(v, ScalarNode):
                    self.question = _shown(v.value)
        allowed = frozenset(COMMON_QUESTION_KEYS) | ALL_TYPE_KEYS
        m = self.mapping(node, "a question", allowed)
        if m is None:
            return None
        try:
            return self._question_body(node, m, source_ids)
        finally:
            self.question = None

    def _question_body(
        self, node: Node, m: dict[str, tuple[ScalarNode, Node]], source_ids: set[str]
    ) -> Question | None:
        n_errors = self.errors
        qid = self.slug(self.require(m, "id", node, "a question"), "question id")
        qtype: QuestionType | None = None
        type_node = self.require(m, "type", node, "a question")
        type_name = self.text(type_node, "type")
        if type_name is not None and type_node is not None:
            try:
                qtype = QuestionType(type_name)
            except ValueError:
                names = ", ".join(t.value for t in QuestionType)
                self.error(
                    type_node,
                    "bad-type",
                    f"unknown question type '{_shown(type_name)}' (use one of: {names})",
                )
        prompt = self.text(self.require(m, "prompt", node, "a question"), "prompt")
        explanation = self.text(self.require(m, "explanation", node, "a question"), "explanation")
        ref = self.source_ref(self.require(m, "source", node, "a question"), source_ids)
        topics_node = self.require(m, "topics", node, "a question")
        topics = self.text_list(topics_node, "topics", slugs=True)
        if topics_node is not None and isinstance(topics_node, SequenceNode) and not topics:
            self.error(topics_node, "missing-key", "topics needs at least one topic")
        red_flag = bool(self.boolean(m["red_flag"][1], "red_flag")) if "red_flag" in m else False
        action = self.text(m["action"][1], "action") if "action" in m else None
        if red_flag and "action" not in m:
            self.error(
                m["red_flag"][1],
                "red-flag-action",
                "a red_flag question needs an 'action': what the learner should do",
            )
        ignore = frozenset(
            self.text_list(m["lint_ignore"][1], "lint_ignore") if "lint_ignore" in m else []
        )

        options: list[Option] = []
        answer: bool | None = None
        back: str | None = None
        answers: list[str] = []
        shuffle = True
        alternatives: tuple[tuple[int, tuple[str, ...]], ...] = ()
        positions: dict[str, Pos] = {k: _pos(v) for k, (_, v) in m.items()}
        if qtype is not None:
            for key in ALL_TYPE_KEYS - set(TYPE_KEYS[qtype]) - set(OPTIONAL_TYPE_KEYS[qtype]):
                if key in m:
                    self.error(
                        m[key][0],
                        "unknown-key",
                        f"'{key}' does not belong in a '{qtype.value}' question",
                    )
            for key in TYPE_KEYS[qtype]:
                self.require(m, key, node, f"a '{qtype.value}' question")
            if qtype in (QuestionType.SINGLE, QuestionType.MULTI) and "shuffle" in m:
                shuffle = self.boolean(m["shuffle"][1], "shuffle") is not False
            if qtype is QuestionType.CLOZE and "alternatives" in m and prompt is not None:
                alternatives = self.alternatives(m["alternatives"][1], prompt)
            if qtype in (QuestionType.SINGLE, QuestionType.MULTI) and "options" in m:
                options = self.options(m["options"][1], qtype, positions)
            elif qtype is QuestionType.TRUE_FALSE and "answer" in m:
                answer = self.boolean(m["answer"][1], "answer")
            elif qtype is QuestionType.FLASHCARD and "back" in m:
                back = self.text(m["back"][1], "back")
            elif qtype is QuestionType.TYPED and "answers" in m:
                answers = self.text_list(m["answers"][1], "answers")
                if not answers and isinstance(m["answers"][1], SequenceNode):
                    self.error(
                        m["answers"][1],
                        "typed-answers",
                        "a typed question needs at least one accepted answer",
                    )
                for i, accepted in enumerate(answers):
                    if not _typeable(accepted):
                        self.error(
                            m["answers"][1],
                            "typed-answers",
                            f"accepted answer {i + 1} '{_shown(accepted)}' has no letter or "
                            "digit: answers are compared by their letters and digits, so "
                            "nothing a learner types could match it",
                        )
            elif qtype is QuestionType.CLOZE and prompt is not None and "prompt" in m:
                self.cloze(m["prompt"][1], prompt)

        if (
            self.errors > n_errors
            or qid is None
            or qtype is None
            or prompt is None
            or explanation is None
            or ref is None
        ):
            return None
        return Question(
            id=qid,
            type=qtype,
            prompt=prompt,
            explanation=explanation,
            source=ref,
            topics=tuple(topics),
            red_flag=red_flag,
            action=action,
            options=tuple(options),
            answer=answer,
            back=back,
            answers=tuple(answers),
            shuffle=shuffle,
            alternatives=alternatives,
            lint_ignore=ignore,
            pos=_pos(node),
            positions=positions,
        )

    def source_ref(self, node: Node | None, source_ids: set[str]) -> SourceRef | None:
        if node is None:
            return None
        m = self.mapping(node, "source", SOURCE_REF_KEYS)
        if m is None:
            return None
        id_node = self.require(m, "id", node, "source")
        sid = self.text(id_node, "source id")
        section = self.text(self.require(m, "section", node, "source"), "source section")
        if sid is not None and id_node is not None and sid not in source_ids:
            declared = ", ".join(sorted(source_ids)) or "none"
            self.error(
                id_node,
                "unknown-source",
                f"source '{_shown(sid)}' is not declared in the bank's sources "
                f"(declared: {declared})",
            )
            return None
        if sid is None or section is None:
            return None
        return SourceRef(sid, section)

    def options(self, node: Node, qtype: QuestionType, positions: dict[str, Pos]) -> list[Option]:
        items = self.seq(node, "options")
        if items is None:
            return []
        if not MIN_OPTIONS <= len(items) <= MAX_OPTIONS:
            self.error(
                node,
                "option-count",
                f"a '{qtype.value}' question needs "
                f"{MIN_OPTIONS} to {MAX_OPTIONS} options (found {len(items)})",
            )
        out: list[Option] = []
        for i, item in enumerate(items):
            m = self.mapping(item, f"option {i + 1}", OPTION_KEYS)
            if m is None:
                continue
            positions[f"options.{i}"] = _pos(item)
            for k, (_, v) in m.items():
                positions[f"options.{i}.{k}"] = _pos(v)
            text = self.text(
                self.require(m, "text", item, f"option {i + 1}"), f"option {i + 1} text"
            )
            correct = (
                self.boolean(m["correct"][1], f"option {i + 1} correct")
                if "correct" in m
                else False
            )
            why = self.text(m["why"][1], f"option {i + 1} why") if "why" in m else None
            if text is not None:
                out.append(Option(text, bool(correct), why))
        n_correct = sum(o.correct for o in out)
        if len(out) == len(items):
            if qtype is QuestionType.SINGLE and n_correct != 1:
                self.error(
                    node,
                    "single-one-correct",
                    f"exactly one option must be correct (found {n_correct})",
                )
            elif qtype is QuestionType.MULTI and n_correct < 1:
                self.error(node, "multi-needs-correct", "at least one option must be correct")
        return out

    def alternatives(self, node: Node, prompt: str) -> tuple[tuple[int, tuple[str, ...]], ...]:
        """A cloze's `alternatives`: `{c1: [answer, ...], ...}`, each key a deletion number
        that the prompt uses."""
        if not isinstance(node, MappingNode):
            self.error(
                node,
                "wrong-type",
                "alternatives must be a mapping such as {c1: [another answer]}, "
                f"found {_KIND.get(node.tag, node.tag)}",
            )
            return ()
        numbers = {d.number for d in cloze_spans(prompt)}
        out: dict[int, tuple[str, ...]] = {}
        for k, v in node.value:
            if not isinstance(k, ScalarNode):
                continue
            match = _CLOZE_KEY.fullmatch(str(k.value))
            if match is None or int(match.group(1)) not in numbers:
                used = ", ".join(f"c{n}" for n in sorted(numbers)) or "none"
                self.error(
                    k,
                    "cloze-alternatives",
                    f"alternatives key '{_shown(str(k.value))}' names no deletion of the "
                    f"prompt (its deletions: {used})",
                )
                continue
            number = int(match.group(1))
            if number in out:
                self.error(k, "duplicate-key", f"alternatives key 'c{number}' appears twice")
                continue
            answers = self.text_list(v, f"alternatives c{number}")
            for answer in answers:
                if not _typeable(answer):
                    self.error(
                        v,
                        "cloze-alternatives",
                        f"alternative '{_shown(answer)}' has no letter or digit: answers are "
                        "compared by their letters and digits, so nothing a learner types "
                        "could match it",
                    )
            out[number] = tuple(answers)
        return tuple(sorted(out.items()))

    def cloze(self, node: Node, prompt: str) -> None:
        deletions = cloze_spans(prompt)
        if not any(d.number == 1 for d in deletions):
            self.error(
                node, "cloze-missing", "a cloze prompt needs at least one {{c1::hidden text}}"
            )
        for d in deletions:
            if not d.text.strip():
                self.error(
                    node,
                    "cloze-missing",
                    f"the deletion '{_shown(prompt[d.start : d.end])}' hides nothing",
                )
            elif not _typeable(d.text):
                self.error(
                    node,
                    "cloze-missing",
                    f"the deletion '{_shown(prompt[d.start : d.end])}' hides no letter or "
                    "digit: answers are compared by their letters and digits, so nothing a "
                    "learner types could match it",
                )
            if not MIN_CLOZE_NUMBER <= d.number <= MAX_CLOZE_NUMBER:
                self.error(
                    node,
                    "cloze-number",
                    f"the deletion '{_shown(prompt[d.start : d.end])}' is numbered "
                    f"{_shown(d.digits, 24)}: a cloze number must be {MIN_CLOZE_NUMBER} to "
                    f"{MAX_CLOZE_NUMBER} (Anki's limit)",
                )
        if len(deletions) > MAX_CLOZE_DELETIONS:
            self.error(
                node,
                "cloze-count",
                f"the prompt has {len(deletions):,} deletions; a cloze prompt may have at "
                f"most {MAX_CLOZE_DELETIONS} (each is a blank to type)",
            )
        if prompt.count("{{") != len(deletions):
            self.error(
                node,
                "cloze-syntax",
                "the prompt has a '{{' that is not a well-formed {{cN::text}} deletion",
            )


def _typeable(answer: str) -> bool:
    """Whether a learner could type `answer`: typed and cloze answers are compared by their
    letters and digits only (`quiz.engine.grading.normalize_text` drops punctuation, symbols
    and invisible characters), so one with none, such as a zero-width space, "???" or an
    emoji, would never match anything."""
    return any(c.isalnum() for c in answer)


def _with_bank_ignore(bank: Bank, ignore: frozenset[str]) -> Bank:
    """Fold a bank-level `lint_ignore` into every question's."""
    if not ignore:
        return bank
    from dataclasses import replace

    return replace(
        bank,
        questions=tuple(replace(q, lint_ignore=q.lint_ignore | ignore) for q in bank.questions),
    )


def _did_you_mean(key: str, allowed: tuple[str, ...] | frozenset[str]) -> str:
    if len(key) > 40:  # no key is that long; and difflib's cost grows with the length
        return ""
    import difflib

    close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.7)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, col


def _decode(data: bytes, path: str) -> str:
    def fail(offset: int, rule: str, message: str) -> BankLoadError:
        line, col = _line_col(data, offset)
        return BankLoadError([Finding(path, line, col, Severity.ERROR, rule, message)])

    if b"\x00" in data:
        raise fail(data.index(b"\x00"), "binary", "this is a binary file, not a YAML bank")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise fail(
            e.start, "encoding", f"the file is not valid UTF-8 (byte 0x{data[e.start]:02x})"
        ) from None
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise fail(0, "empty-file", "the file is empty: a bank needs id, title, questions, ...")
    return text


def _too_deep(path: str, mark: Any) -> BankLoadError:
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return BankLoadError(
        [
            Finding(
                path,
                line,
                col,
                Severity.ERROR,
                "too-deep",
                f"values are nested more than {MAX_DEPTH} levels deep",
            )
        ]
    )


def _written_tag(tag: str) -> str:
    """An explicit core tag as written (`!!str`), so that it is refused like any other tag.

    Only a tag the parser resolved itself is one of `_PLAIN_TAGS`; one written in the file,
    even `!!str` or `!!bool`, would otherwise pass as plain, and `correct: !!bool "maybe"`
    would quietly mean false.
    """
    return "!!" + tag[len(_T) :]


def _compose(text: str, path: str) -> Node | None:
    """Compose the file's single YAML document into nodes, from the parser's events.

    This does what `yaml.compose` does, with four differences. A core tag written in the
    file (`!!str`) keeps its written form (see `_written_tag`). It is iterative: libyaml's
    composer recurses in C, and 100,000 '[' overflowed the C stack (a segfault); here the
    nesting is counted as events arrive and refused past MAX_DEPTH, so memory stays bounded.
    Implicit tags are resolved once per distinct (value, style) pair, since a bank repeats
    the same keys and small values thousands of times. And a duplicate anchor names itself.
    Aliases are shared nodes, as in PyYAML; the node budget in `_Builder.check_tree` bounds
    what they expand to.
    """
    resolve: Any = yaml.resolver.Resolver().resolve
    resolved: dict[tuple[str, tuple[bool, bool]], str] = {}
    anchors: dict[str, Node] = {}
    #: open collections, innermost last: [node, is a sequence, mapping key awaiting a value]
    frames: list[list[Any]] = []
    frame: list[Any] | None = None
    root: Node | None = None
    documents = 0
    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    sequence_start, mapping_start = yaml.SequenceStartEvent, yaml.MappingStartEvent
    sequence_end, mapping_end = yaml.SequenceEndEvent, yaml.MappingEndEvent

    def remember(anchor: str, node: Node, mark: Any) -> None:
        if anchor in anchors:
            first = anchors[anchor].start_mark
            raise yaml.composer.ComposerError(
                None,
                None,
                f"found duplicate anchor '&{anchor}' (first at line {first.line + 1})",
                mark,
            )
        anchors[anchor] = node

    # The parser's own event loop, without `yaml.parse`'s generator around it (that
    # generator cost as much as the parsing itself). `get_event` returns None at the end.
    parser = _Loader(text)
    get_event = parser.get_event
    try:
        while (event := get_event()) is not None:
            kind = type(event)
            opened: list[Any] | None = None  # the collection this event opens, if any
            if kind is scalar_event:
                tag = event.tag
                if tag is None or tag == "!":
                    key = (event.value, event.implicit)
                    tag = resolved.get(key)
                    if tag is None:
                        tag = resolved[key] = resolve(ScalarNode, event.value, event.implicit)
                elif tag in _PLAIN_TAGS:
                    tag = _written_tag(tag)
                node: Node = ScalarNode(
                    tag, event.value, event.start_mark, event.end_mark, style=event.style
                )
                if event.anchor is not None:
                    remember(event.anchor, node, event.start_mark)
            elif kind is alias_event:
                if event.anchor not in anchors:
                    raise yaml.composer.ComposerError(
                        None, None, "found undefined alias", event.start_mark
                    )
                node = anchors[event.anchor]
            elif kind is sequence_start or kind is mapping_start:
                if len(frames) >= MAX_DEPTH:
                    raise _too_deep(path, event.start_mark)
                is_sequence = kind is sequence_start
                node_class: Any = SequenceNode if is_sequence else MappingNode
                tag = event.tag
                if tag is None or tag == "!":
                    tag = resolve(node_class, None, event.implicit)
                elif tag in _PLAIN_TAGS:
                    tag = _written_tag(tag)
                node = node_class(tag, [], event.start_mark, None, flow_style=event.flow_style)
                if event.anchor is not None:
                    remember(event.anchor, node, event.start_mark)
                opened = [node, is_sequence, None]
            else:
                if kind is sequence_end or kind is mapping_end:
                    frames.pop()[0].end_mark = event.end_mark
                    frame = frames[-1] if frames else None
                elif kind is yaml.DocumentStartEvent:
                    documents += 1
                    if documents > 1:
                        raise yaml.composer.ComposerError(
                            "expected a single document in the stream",
                            root.start_mark if root is not None else None,
                            "but found another document",
                            event.start_mark,
                        )
                continue
            # attach the node to the open collection (inlined: this is the hot path)
            if frame is None:
                root = node
            elif frame[1]:
                frame[0].value.append(node)
            elif frame[2] is None:
                frame[2] = node
            else:
                frame[0].value.append((frame[2], node))
                frame[2] = None
            if opened is not None:
                frame = opened
                frames.append(frame)
    finally:
        parser.dispose()
    return root


def _reader_error_line_col(text: str, error: yaml.reader.ReaderError) -> tuple[int, int]:
    """Line and column of a reader error: libyaml counts UTF-8 bytes, PyYAML characters."""
    offset = int(error.position)
    if error.encoding != "unicode":
        offset = len(text.encode("utf-8")[:offset].decode("utf-8", "ignore"))
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def load_bank_bytes(data: bytes, path: str = "<bank>", file: Path | None = None) -> Bank:
    """Build a bank from a file's bytes. Raises BankLoadError with every error found.

    The cyclic garbage collector is paused meanwhile: a large bank is hundreds of thousands
    of small objects (events, nodes, marks) and no cycles, and the full collections that
    their allocation triggers rescan all of them again and again, which made loading time
    grow faster than the file (measured: 130 vs 340 microseconds per question at 1,000 and
    10,000 questions). Whatever is garbage is collected once the collector runs again.
    """
    with gc_paused():
        return _load_bank_bytes(data, path, file)


def _load_bank_bytes(data: bytes, path: str, file: Path | None) -> Bank:
    if len(data) > MAX_FILE_BYTES:
        raise _refused(path, file_too_large(len(data)))
    text = _decode(data, path)
    try:
        root = _compose(text, path)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        if "nesting depth" in str(e.problem):
            # libyaml 0.2.5 as bundled with PyYAML 6.0.4 refuses nesting past 1000 itself, and
            # its scanner reads up to 1024 characters ahead, so a line of '[' reaches that limit
            # before the first events reach ours. The same refusal, whichever stops it first.
            raise _too_deep(path, mark) from None
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = safe_line(e.problem or e.context or "invalid YAML")
        raise BankLoadError(
            [Finding(path, line, col, Severity.ERROR, "yaml-syntax", f"invalid YAML: {problem}")]
        ) from None
    except yaml.reader.ReaderError as e:  # a forbidden character: no mark, only an offset
        line, col = _reader_error_line_col(text, e)
        code = e.character if isinstance(e.character, int) else ord(str(e.character)[:1] or "?")
        raise BankLoadError(
            [
                Finding(
                    path,
                    line,
                    col,
                    Severity.ERROR,
                    "yaml-syntax",
                    f"invalid YAML: the character U+{code:04X} is not allowed ({e.reason})",
                )
            ]
        ) from None
    except yaml.YAMLError as e:
        raise BankLoadError(
            [Finding(path, 1, 1, Severity.ERROR, "yaml-syntax", safe_line(f"invalid YAML: {e}"))]
        ) from None
    except RecursionError:
        raise _too_deep(path, None) from None
    if root is None:
        raise BankLoadError(
            [
                Finding(
                    path,
                    1,
                    1,
                    Severity.ERROR,
                    "empty-file",
                    "the file is empty: a bank needs id, title, questions, ...",
                )
            ]
        )
    builder = _Builder(path, budget=2 * len(data) + 10_000)
    if not builder.check_tree(root):
        raise builder.load_error()
    bank = builder.bank(root, file, bank_digest(data))
    if builder.found:
        raise builder.load_error()  # in file order; the first MAX_FINDINGS_PER_FILE
    if bank is None:
        raise BankLoadError(
            [Finding(path, 1, 1, Severity.ERROR, "invalid", "the bank is not valid")]
        )
    return bank


def display_path(path: Path) -> str:
    """The path as a person would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_bank(path: Path | str) -> Bank:
    """Load one bank file. Raises BankLoadError (with file:line:col findings) on any problem,
    including a path that is not a regular file (see `read_bank_bytes`)."""
    p = Path(path)
    shown = display_path(p)
    try:
        data = read_bank_bytes(p)
    except BankFileError as e:
        raise _refused(shown, e) from None
    return load_bank_bytes(data, shown, p)


def _refused(path: str, e: BankFileError) -> BankLoadError:
    """A file refused before parsing (too large, not a file, unreadable), at its start."""
    return BankLoadError([Finding(path, 1, 1, Severity.ERROR, e.rule, e.message)])


__all__ = ["MAX_FILE_BYTES", "display_path", "load_bank", "load_bank_bytes"]
