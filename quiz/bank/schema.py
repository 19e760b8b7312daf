"""The bank format as JSON Schema (draft 2020-12), for editors that validate and complete banks.

This module owns `bank_json_schema()`, built from the loader's own constants (key lists, slug
pattern, option counts) so that the two cannot disagree on what a key is called or allows.
`quiz schema` prints it; `schema/bank.schema.json` is the committed copy (a test keeps it
equal). Shipped banks point at it with the modeline
`# yaml-language-server: $schema=../schema/bank.schema.json`.

A few rules need more than one value at a time and are checked only by the loader: question
ids unique in a bank, a cited source declared in `sources`, duplicate keys, and every `{{` of
a cloze prompt being a well-formed `{{cN::text}}`.
"""

from __future__ import annotations

import json
from typing import Any

from quiz.bank.load import (
    BANK_KEYS,
    COMMON_QUESTION_KEYS,
    MAX_OPTIONS,
    MIN_OPTIONS,
    OPTION_KEYS,
    OPTIONAL_TYPE_KEYS,
    SLUG_RE,
    SOURCE_KEYS,
    SOURCE_REF_KEYS,
    TYPE_KEYS,
)
from quiz.bank.model import QuestionType

SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:patient-quiz:bank-format:1"

_TYPE_HELP = {
    QuestionType.SINGLE: "choose one option (options: 3 to 5, exactly one correct)",
    QuestionType.MULTI: "choose every correct option (options: 3 to 5, one or more correct)",
    QuestionType.TRUE_FALSE: "judge a statement (answer: true or false)",
    QuestionType.FLASHCARD: "recall the back, then grade yourself",
    QuestionType.CLOZE: "type the hidden text of {{c1::...}} in the prompt",
    QuestionType.TYPED: "type the answer (answers: accepted answers, the first canonical)",
}


#: Characters bank text may not hold (the loader's `control-character` rule, as in
#: quiz.safe_text): C0 controls but newline and tab, DEL, C1 controls, bidi overrides.
_CONTROLS = r"\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069"


def _text(description: str) -> dict[str, Any]:
    """A non-blank string without terminal control characters."""
    return {
        "type": "string",
        "pattern": f"^[^{_CONTROLS}]*[^\\s{_CONTROLS}][^{_CONTROLS}]*$",
        "description": description,
    }


def _slug(description: str) -> dict[str, Any]:
    return {"type": "string", "pattern": SLUG_RE.pattern, "description": description}


def _scalar(description: str) -> dict[str, Any]:
    """Text or a number, kept as written (version, date)."""
    return {"type": ["string", "number"], "description": description}


def _lint_ignore(description: str) -> dict[str, Any]:
    return {
        "type": "array",
        "items": _text("a lint rule id, e.g. reading-level-item (see docs/lint-rules.md)"),
        "description": description,
    }


def _source() -> dict[str, Any]:
    props = {
        "id": _slug("the source's id, cited by questions as source.id (a lowercase slug)"),
        "title": _text("the document's title, shown with every question that cites it"),
        "publisher": _text("who published the document"),
        "date": _scalar("when the document was published or last reviewed"),
        "url": _text("where the document can be read"),
    }
    assert tuple(props) == SOURCE_KEYS
    return {
        "type": "object",
        "description": "a document that the bank's questions are written from",
        "properties": props,
        "required": ["id", "title"],
        "additionalProperties": False,
    }


def _option() -> dict[str, Any]:
    props = {
        "text": _text("the option as the learner sees it"),
        "correct": {
            "type": "boolean",
            "description": "true on a correct option (default false)",
        },
        "why": _text(
            "why this option is right or wrong; shown when the learner picks it "
            "(lint warns when it is missing)"
        ),
    }
    assert tuple(props) == OPTION_KEYS
    return {
        "type": "object",
        "description": "one choice of a single or multi question",
        "properties": props,
        "required": ["text"],
        "additionalProperties": False,
    }


def _question() -> dict[str, Any]:
    type_names = [t.value for t in QuestionType]
    source_ref = {
        "type": "object",
        "description": "where in a source this question comes from",
        "properties": {
            "id": _text("the id of one of the bank's sources"),
            "section": _text("the heading of the section in that document"),
        },
        "required": list(SOURCE_REF_KEYS),
        "additionalProperties": False,
    }
    common: dict[str, Any] = {
        "id": _slug(
            "the question's id: unique in its bank and stable forever (review history and "
            "Anki notes hang on it); a lowercase slug such as weakness-key"
        ),
        "type": {
            "enum": type_names,
            "description": "the kind of question: "
            + "; ".join(f"{t.value}: {_TYPE_HELP[t]}" for t in QuestionType),
        },
        "prompt": _text(
            "the question, statement (true_false) or sentence with {{c1::hidden text}} (cloze)"
        ),
        "explanation": _text("shown after every answer, right or wrong"),
        "source": source_ref,
        "topics": {
            "type": "array",
            "minItems": 1,
            "items": _slug("a topic tag (a lowercase slug)"),
            "description": "topic tags (at least one); used in stats and as Anki tags",
        },
        "red_flag": {
            "type": "boolean",
            "description": "true on a safety item (a sign to act on); requires action",
        },
        "action": _text(
            "what the learner should do, e.g. when and whom to see; required with red_flag"
        ),
        "lint_ignore": _lint_ignore("lint rules this question knowingly breaks"),
    }
    assert tuple(common) == COMMON_QUESTION_KEYS
    type_props: dict[str, Any] = {
        "options": {
            "type": "array",
            "minItems": MIN_OPTIONS,
            "maxItems": MAX_OPTIONS,
            "items": _option(),
            "description": f"single and multi: {MIN_OPTIONS} to {MAX_OPTIONS} options",
        },
        "answer": {
            "type": "boolean",
            "description": "true_false: whether the prompt's statement is true",
        },
        "back": _text("flashcard: the answer to recall"),
        "answers": {
            "type": "array",
            "minItems": 1,
            "items": _text("an accepted answer"),
            "description": "typed: the accepted answers, the first one canonical; matching "
            "forgives case, accents, extra spaces and small typos",
        },
        "shuffle": {
            "type": "boolean",
            "description": "single and multi: false keeps the options in the written order "
            "(a scale or a sequence); by default they are shown in a fresh order",
        },
        "alternatives": {
            "type": "object",
            "patternProperties": {
                "^c[0-9]{1,5}$": {
                    "type": "array",
                    "minItems": 1,
                    "items": _text("another accepted answer for this deletion"),
                }
            },
            "additionalProperties": False,
            "description": "cloze: more accepted answers per deletion, e.g. {c1: [another]}",
        },
    }
    one_correct = {
        "type": "object",
        "properties": {"correct": {"const": True, "description": "a correct option"}},
        "required": ["correct"],
    }
    type_rules: list[dict[str, Any]] = []
    for qtype in QuestionType:
        then: dict[str, Any] = {"required": list(TYPE_KEYS[qtype])}
        foreign = sorted(set(type_props) - set(TYPE_KEYS[qtype]) - set(OPTIONAL_TYPE_KEYS[qtype]))
        then["properties"] = {key: False for key in foreign}
        if qtype is QuestionType.SINGLE:
            then["properties"]["options"] = {
                "contains": one_correct,
                "minContains": 1,
                "maxContains": 1,
                "description": "exactly one option must be correct",
            }
        elif qtype is QuestionType.MULTI:
            then["properties"]["options"] = {
                "contains": one_correct,
                "minContains": 1,
                "description": "at least one option must be correct",
            }
        elif qtype is QuestionType.CLOZE:
            then["properties"]["prompt"] = {
                "pattern": r"\{\{c1::\s*(?!::|\}\})\S[\s\S]*?\}\}",
                "description": "a cloze prompt holds at least one {{c1::hidden text}}",
            }
        type_rules.append(
            {
                "if": {"properties": {"type": {"const": qtype.value}}, "required": ["type"]},
                "then": then,
            }
        )
    type_rules.append(
        {
            "if": {"properties": {"red_flag": {"const": True}}, "required": ["red_flag"]},
            "then": {"required": ["action"]},
        }
    )
    return {
        "type": "object",
        "description": "one item of the bank",
        "properties": {**common, **type_props},
        "required": ["id", "type", "prompt", "explanation", "source", "topics"],
        "additionalProperties": False,
        "allOf": type_rules,
    }


def bank_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one bank file."""
    props: dict[str, Any] = {
        "id": _slug("the bank's id: a lowercase slug, stable forever (e.g. red-flags)"),
        "title": _text("the bank's title, shown on the home screen and as the Anki deck name"),
        "description": _text("what the bank teaches, in a sentence or two"),
        "language": _text("the language of the bank's text (default en)"),
        "version": _scalar("the bank's version; raise it when the content changes"),
        "sources": {
            "type": "array",
            "minItems": 1,
            "items": _source(),
            "description": "the documents the questions are written from",
        },
        "questions": {
            "type": "array",
            "minItems": 1,
            "items": _question(),
            "description": "the items; each id unique in the bank",
        },
        "lint_ignore": _lint_ignore("lint rules silenced for every question of the bank"),
    }
    assert tuple(props) == BANK_KEYS
    return {
        "$schema": SCHEMA_DRAFT,
        "$id": SCHEMA_ID,
        "title": "patient-quiz question bank",
        "description": "One YAML file is one bank of questions (see docs/bank-format.md).",
        "type": "object",
        "properties": props,
        "required": ["id", "title", "description", "version", "sources", "questions"],
        "additionalProperties": False,
    }


def bank_json_schema_text() -> str:
    """The schema as the committed schema/bank.schema.json holds it (2-space indent)."""
    return json.dumps(bank_json_schema(), indent=2, ensure_ascii=False) + "\n"


__all__ = ["bank_json_schema", "bank_json_schema_text"]
