"""The JSON Schema: the committed copy cannot drift, and it accepts what the loader accepts."""

from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from quiz.bank.findings import BankLoadError
from quiz.bank.load import load_bank_bytes
from quiz.bank.schema import bank_json_schema, bank_json_schema_text

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "schema" / "bank.schema.json"
VALIDATOR = jsonschema.Draft202012Validator(bank_json_schema())


def as_json_data(value: Any) -> Any:
    """YAML data as an editor's YAML language server sees it: dates are strings."""
    if isinstance(value, dict):
        return {str(k): as_json_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json_data(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def read_yaml(path: Path) -> Any:
    return as_json_data(yaml.safe_load(path.read_text("utf-8")))


def schema_errors(data: Any) -> list[str]:
    return [e.message for e in VALIDATOR.iter_errors(data)]


def test_committed_copy_equals_the_generated_schema() -> None:
    assert COMMITTED.read_text("utf-8") == bank_json_schema_text(), (
        "schema/bank.schema.json is stale: run `quiz schema > schema/bank.schema.json`"
    )
    assert json.loads(COMMITTED.read_text("utf-8")) == bank_json_schema()


def test_quiz_schema_prints_it() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "quiz", "schema"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert proc.returncode == 0
    assert proc.stdout == bank_json_schema_text()


def test_it_is_a_valid_draft_2020_12_schema() -> None:
    schema = bank_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_every_property_has_a_description() -> None:
    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if sub is False:
                    continue  # "this key does not belong here" inside a type rule
                assert "description" in sub, f"{where}.{name}"
            for key, sub in node.items():
                if key != "if":  # conditions, not properties an editor shows
                    walk(sub, f"{where}/{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{where}[{i}]")

    walk(bank_json_schema(), "#")


GOOD_FILES = sorted((REPO / "tests" / "data" / "good").glob("*.yaml"))
DECK_FILES = sorted((REPO / "decks").glob("*.yaml"))


@pytest.mark.parametrize("path", GOOD_FILES + DECK_FILES, ids=lambda p: p.name)
def test_good_banks_validate(path: Path) -> None:
    assert schema_errors(read_yaml(path)) == []


@pytest.mark.parametrize(
    "name",
    [
        "not-a-mapping.yaml",
        "wrong-types.yaml",
        "unknown-key.yaml",
        "cloze-without-deletion.yaml",
        "several-errors.yaml",
        "deep-nesting.yaml",
    ],
)
def test_bad_banks_do_not_validate(name: str) -> None:
    assert schema_errors(read_yaml(REPO / "tests" / "data" / "bad" / name)) != []


# -- the schema and the loader agree ---------------------------------------------------------

Mutation = Callable[[dict[str, Any]], None]


def _q(bank: dict[str, Any], qid: str) -> dict[str, Any]:
    return next(q for q in bank["questions"] if q["id"] == qid)


def _set(qid: str, key: str, value: Any) -> Mutation:
    def mutate(bank: dict[str, Any]) -> None:
        _q(bank, qid)[key] = value

    return mutate


def _drop(qid: str, key: str) -> Mutation:
    def mutate(bank: dict[str, Any]) -> None:
        del _q(bank, qid)[key]

    return mutate


def _top(key: str, value: Any) -> Mutation:
    def mutate(bank: dict[str, Any]) -> None:
        if value is None:
            del bank[key]
        else:
            bank[key] = value

    return mutate


def _two_correct(bank: dict[str, Any]) -> None:
    _q(bank, "twitch-what")["options"][1]["correct"] = True


def _no_correct(bank: dict[str, Any]) -> None:
    for o in _q(bank, "triggers")["options"]:
        o.pop("correct", None)


def _options(n: int) -> Mutation:
    def mutate(bank: dict[str, Any]) -> None:
        q = _q(bank, "triggers")
        q["options"] = (q["options"] * 3)[:n]
        q["options"] = [dict(o, text=f"{o['text']} {i}") for i, o in enumerate(q["options"])]

    return mutate


def _option_key(key: str, value: Any) -> Mutation:
    def mutate(bank: dict[str, Any]) -> None:
        _q(bank, "twitch-what")["options"][0][key] = value

    return mutate


#: Each mutation of the clean bank breaks one rule that both the schema and the loader enforce.
MUTATIONS: dict[str, Mutation] = {
    "bank-id-not-slug": _top("id", "Clean Sample"),
    "no-title": _top("title", None),
    "blank-description": _top("description", "   "),
    "version-is-bool": _top("version", True),
    "language-is-number": _top("language", 7),
    "no-sources": _top("sources", []),
    "no-questions": _top("questions", []),
    "unknown-top-key": _top("titel", "x"),
    "source-without-title": lambda b: b["sources"][0].pop("title"),
    "source-unknown-key": lambda b: b["sources"][0].update(author="me"),
    "question-id-not-slug": _set("twitch-common", "id", "twitch_common"),
    "unknown-type": _set("twitch-common", "type", "essay"),
    "no-explanation": _drop("twitch-common", "explanation"),
    "blank-prompt": _set("twitch-common", "prompt", ""),
    "prompt-is-number": _set("twitch-common", "prompt", 42),
    "source-ref-without-section": lambda b: _q(b, "twitch-common")["source"].pop("section"),
    "source-ref-unknown-key": lambda b: _q(b, "twitch-common")["source"].update(page=3),
    "no-topics": _set("twitch-common", "topics", []),
    "topic-not-slug": _set("twitch-common", "topics", ["Basics"]),
    "red-flag-without-action": _drop("weakness-sign", "action"),
    "red-flag-not-bool": _set("weakness-sign", "red_flag", "yes"),
    "explaination-typo": _set("twitch-common", "explaination", "x"),
    "tf-without-answer": _drop("twitch-common", "answer"),
    "tf-answer-is-text": _set("twitch-common", "answer", "true"),
    "tf-with-options": _set("twitch-common", "options", [{"text": "a"}] * 3),
    "flashcard-without-back": _drop("weakness-sign", "back"),
    "typed-without-answers": _drop("test-name", "answers"),
    "typed-empty-answers": _set("test-name", "answers", []),
    "cloze-without-c1": _set("cramp-gap", "prompt", "A cramp is {{c2::painful}}."),
    "cloze-blank-deletion": _set("cramp-gap", "prompt", "A cramp is {{c1::  }}."),
    "cloze-with-back": _set("cramp-gap", "back", "painful"),
    "single-two-correct": _two_correct,
    "multi-none-correct": _no_correct,
    "two-options": _options(2),
    "six-options": _options(6),
    "option-without-text": lambda b: _q(b, "twitch-what")["options"][0].pop("text"),
    "option-unknown-key": _option_key("hint", "x"),
    "option-correct-is-text": _option_key("correct", "yes"),
    "lint-ignore-not-list": _set("twitch-common", "lint_ignore", "negative-stem"),
    "prompt-with-osc-52": _set("twitch-common", "prompt", "Hi \x1b]52;c;QQ==\x07 there"),
    "explanation-with-c1-csi": _set("twitch-common", "explanation", "Hi \x9b2J there"),
    "option-with-rlo": _option_key("text", "Abc \u202edef"),
    "title-with-bel": _top("title", "Title\x07"),
}


def clean_bank() -> dict[str, Any]:
    data = read_yaml(REPO / "tests" / "data" / "good" / "clean.yaml")
    assert isinstance(data, dict)
    return data


def loader_accepts(data: dict[str, Any]) -> bool:
    try:
        load_bank_bytes(json.dumps(data).encode())  # JSON is YAML
    except BankLoadError:
        return False
    return True


def test_the_clean_bank_is_accepted_by_both() -> None:
    data = clean_bank()
    assert schema_errors(data) == []
    assert loader_accepts(data)


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_schema_and_loader_both_reject(name: str) -> None:
    data = copy.deepcopy(clean_bank())
    MUTATIONS[name](data)
    assert schema_errors(data) != [], "the schema accepts it"
    assert not loader_accepts(data), "the loader accepts it"


def test_optional_keys_are_accepted_by_both() -> None:
    data = clean_bank()
    data.pop("language")
    data["lint_ignore"] = ["reading-level-item"]
    data["sources"][0] = {"id": "leaflet", "title": "Leaflet"}
    _q(data, "twitch-common")["action"] = "See your doctor if you are worried."
    _q(data, "twitch-what")["options"][1].pop("why")
    _q(data, "twitch-common")["red_flag"] = False
    assert schema_errors(data) == []
    assert loader_accepts(data)


def test_the_documented_example_is_a_clean_bank() -> None:
    """docs/bank-format.md's complete example loads, validates and passes lint."""
    from quiz.bank.lint import lint_bank

    doc = (REPO / "docs" / "bank-format.md").read_text("utf-8")
    example = doc.split("## A complete example", 1)[1].split("```yaml\n", 1)[1].split("```")[0]
    bank = load_bank_bytes(example.encode(), "example.yaml")
    assert {q.type.value for q in bank.questions} == {
        "single",
        "multi",
        "true_false",
        "flashcard",
        "cloze",
        "typed",
    }
    assert lint_bank(bank) == []
    assert schema_errors(as_json_data(yaml.safe_load(example))) == []
    for key in bank_json_schema()["properties"]:
        assert f"| `{key}` |" in doc
