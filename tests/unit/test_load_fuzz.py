"""Fuzzing the loader: whatever the bytes, it returns a Bank or raises BankLoadError.

Two sources of input: banks generated from the format's own keys with values of every YAML
type (so that deep paths of the builder are reached), and the good banks mutated at the byte
and line level (so that the parser and its guards see broken YAML). Nothing else may escape:
no KeyError, no RecursionError, no yaml error, no AssertionError from the builder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from quiz.bank.findings import BankLoadError, Severity
from quiz.bank.load import (
    BANK_KEYS,
    COMMON_QUESTION_KEYS,
    OPTION_KEYS,
    SOURCE_KEYS,
    SOURCE_REF_KEYS,
    TYPE_KEYS,
    _compose,
    load_bank_bytes,
)
from quiz.bank.model import Bank, QuestionType

GOOD = Path(__file__).resolve().parents[2] / "tests" / "data" / "good"
SEEDS = [p.read_bytes() for p in sorted(GOOD.glob("*.yaml"))]

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def outcome(data: bytes) -> Bank | BankLoadError:
    """Load, and check that whatever comes back is well formed."""
    try:
        bank = load_bank_bytes(data, "fuzz.yaml")
    except BankLoadError as e:
        assert e.findings, "a BankLoadError carries at least one finding"
        for f in e.findings:
            assert f.severity is Severity.ERROR or f.rule == "too-many-findings"
            assert f.line >= 1 and f.col >= 1
            assert f.path == "fuzz.yaml"
            assert f.rule and f.message
            assert "\n" not in f.format(), f.format()
        return e
    assert isinstance(bank, Bank)
    ids = [q.id for q in bank.questions]
    assert len(ids) == len(set(ids))
    assert bank.questions
    for q in bank.questions:
        assert q.source.id in {s.id for s in bank.sources}
        q.content_hash()
        q.correct_answer_text()
    return bank


# -- generated banks ------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(["", "  ", "doc", "q1", "Bad Id", "{{c1::x}}", "{{c1::}}", "a{{b", "x?"]),
    st.text(max_size=12),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def keyed(keys: tuple[str, ...] | list[str], special: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A mapping over (mostly) the given keys, with likely or arbitrary values."""
    key = st.one_of(
        st.sampled_from(list(keys)),
        st.sampled_from(["explaination", "x", "a\nb", "\x1b[31mred"]),
        st.text(max_size=4),
    )
    value_for = {k: st.one_of(special.get(k, values), values) for k in keys}
    return st.lists(key, max_size=len(keys) + 1, unique=True).flatmap(
        lambda ks: st.fixed_dictionaries({k: value_for.get(k, values) for k in ks})
    )


slugs = st.sampled_from(["doc", "q1", "q2", "a-b", "Bad_Id", "", "a\nb", "\x1b[2J"])
options = st.lists(
    keyed(OPTION_KEYS, {"text": st.text(max_size=8), "correct": st.booleans()}), max_size=6
)
source_refs = keyed(SOURCE_REF_KEYS, {"id": slugs, "section": st.text(max_size=6)})
question_keys = list(COMMON_QUESTION_KEYS) + sorted({k for v in TYPE_KEYS.values() for k in v})
questions = keyed(
    question_keys,
    {
        "id": slugs,
        "type": st.sampled_from([t.value for t in QuestionType] + ["essay"]),
        "source": source_refs,
        "topics": st.lists(slugs, max_size=2),
        "options": options,
        "answer": st.booleans(),
        "answers": st.lists(st.text(max_size=5), max_size=2),
        "red_flag": st.booleans(),
        "lint_ignore": st.lists(st.text(max_size=8), max_size=2),
    },
)
banks = keyed(
    BANK_KEYS,
    {
        "id": slugs,
        "sources": st.lists(keyed(SOURCE_KEYS, {"id": slugs}), max_size=2),
        "questions": st.lists(questions, max_size=4),
    },
)


@FUZZ
@given(banks, st.sampled_from(["yaml", "json"]))
def test_generated_banks(bank: Any, dump: str) -> None:
    text = yaml.safe_dump(bank, allow_unicode=True) if dump == "yaml" else json.dumps(bank)
    outcome(text.encode("utf-8"))


# -- generated banks, written with tags, anchors, aliases and odd scalars on every field ----

#: What may be written before a value (or a key): nothing, tags of every kind, an anchor.
DECORATIONS = [
    "",
    "",
    "",
    "!!binary ",
    "!!str ",
    "!!int ",
    "!!bool ",
    "!!null ",
    "!!float ",
    "!!timestamp ",
    "!!set ",
    "!!omap ",
    "!!python/object:os.system ",
    "!foo ",
    "!e!x ",
    "!<tag:example.com,2000:x> ",
    "! ",
    "&a ",
    "&b !!str ",
]
#: Scalars YAML reads as something other than text, and text that is awkward in other ways.
ODD_SCALARS = [
    "null",
    "~",
    "''",
    '""',
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "true",
    "0",
    "-0",
    "0x1F",
    "0o17",
    "1e3",
    "1_000",
    ".inf",
    "-.Inf",
    ".nan",
    "12:30:45",
    "2024-01-01",
    "2001-12-14t21:59:43.10-05:00",
    "<<",
    "=",
    '"\\u2028id"',
    '"\\ufeffdoc"',
    '"a\\r\\nb"',
    "x" * 20_000,
    '"' + "{{c1::" * 500 + '"',
]


SEED_TREES = [yaml.safe_load(seed) for seed in SEEDS]
HEADERS = ["", "%TAG !e! tag:example.com,2000:\n---\n", "%YAML 1.1\n---\n"]


@st.composite
def written(draw: st.DrawFn, value: Any, rate: int) -> str:
    """`value` as flow-style YAML, each node (keys too) with odds 1 in `rate` of being
    tagged or anchored, aliased (to an anchor that may not exist) or an odd scalar."""
    decoration = draw(st.sampled_from(DECORATIONS)) if draw(st.integers(1, rate)) == 1 else ""
    roll = draw(st.integers(0, 2 * rate))
    if roll == 0:
        return draw(st.sampled_from(["*a", "*b", "*missing"]))
    if roll == 1:
        return decoration + draw(st.sampled_from(ODD_SCALARS))
    if isinstance(value, dict):
        items = [f"{draw(written(k, rate))}: {draw(written(v, rate))}" for k, v in value.items()]
        return decoration + "{" + ", ".join(items) + "}"
    if isinstance(value, list):
        return decoration + "[" + ", ".join(draw(written(v, rate)) for v in value) + "]"
    return decoration + json.dumps(value, default=str)


@st.composite
def decorated_banks(draw: st.DrawFn) -> bytes:
    """A generated bank or a good one, written with tags, anchors, aliases and odd scalars
    (rarely, on a good bank, so that most of it is valid and the builder goes deep)."""
    tree = draw(st.one_of(banks, st.sampled_from(SEED_TREES)))
    text = draw(written(tree, draw(st.sampled_from([2, 10, 60, 300]))))
    header = draw(st.sampled_from(HEADERS))
    return (header + text + "\n").encode("utf-8")


@FUZZ
@given(decorated_banks())
def test_generated_banks_with_tags_anchors_and_odd_scalars(data: bytes) -> None:
    outcome(data)


@pytest.mark.parametrize(
    "field",
    ["id", "type", "prompt", "explanation", "source", "section", "topics", "options", "answer"],
)
@pytest.mark.parametrize("tag", ["!!binary", "!foo", "!e!x", "!!str", "!!python/object:os.system"])
def test_a_tag_on_any_field_is_an_unsafe_tag_error(field: str, tag: str) -> None:
    """Every field of a question, tagged: refused as `unsafe-tag`, never a crash."""
    values = {
        "id": "q1",
        "type": "true_false",
        "prompt": "Twitching is common.",
        "explanation": "Many healthy people twitch.",
        "source": "{id: doc, section: Intro}",
        "section": "Intro",
        "topics": "[basics]",
        "options": "[]",
        "answer": "true",
    }
    values[field] = f"{tag} {values[field]}"
    source = values["source"] if field == "source" else f"{{id: doc, section: {values['section']}}}"
    question = "\n".join(
        f"    {k}: {source if k == 'source' else v}"
        for k, v in values.items()
        if k not in ("section", "options") or k == field == "options"
    )
    text = (
        "%TAG !e! tag:example.com,2000:\n---\n"
        "id: b\ntitle: T\ndescription: D\nversion: '1'\n"
        "sources: [{id: doc, title: A document}]\nquestions:\n  - " + question.lstrip() + "\n"
    )
    result = outcome(text.encode("utf-8"))
    assert isinstance(result, BankLoadError)
    assert "unsafe-tag" in {f.rule for f in result.findings}, result


# -- mutated good banks ---------------------------------------------------------------------

SPECIALS = [
    b"&a ",
    b"*a",
    b"!!python/object:os.system ",
    b"!!binary ",
    b"[",
    b"]",
    b"{",
    b"}",
    b": ",
    b"- ",
    b"\t",
    b'"',
    b"'",
    b"? ",
    b"<<: ",
    b"%YAML 1.1\n",
    b"---\n",
    b"\x00",
    b"\xff",
    b"\xc3",
    b"\x07",
    b"\r",
    b"#",
    b"|\n",
    b">-\n",
    b"~",
    b"\xef\xbb\xbf",
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["insert", "delete", "replace", "lines", "truncate"]))
        at = draw(st.integers(0, len(data)))
        if kind == "insert":
            chunk = draw(st.one_of(st.sampled_from(SPECIALS), st.binary(min_size=1, max_size=4)))
            data[at:at] = chunk
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif kind == "replace" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif kind == "lines":
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            op = draw(st.sampled_from(["dup", "swap", "dedent", "indent"]))
            if op == "dup":
                lines.insert(j, lines[i])
            elif op == "swap":
                lines[i], lines[j] = lines[j], lines[i]
            elif op == "dedent":
                lines[i] = lines[i].lstrip(b" ")
            else:
                lines[i] = b"  " + lines[i]
            data = bytearray(b"\n".join(lines))
        else:
            del data[at:]
    return bytes(data)


@FUZZ
@given(mutated())
def test_mutated_banks(data: bytes) -> None:
    outcome(data)


def test_the_seeds_themselves_load() -> None:
    assert len(SEEDS) >= 2
    assert all(isinstance(outcome(seed), Bank) for seed in SEEDS)


# -- the loader's own composer agrees with PyYAML's ------------------------------------------


def node_tree(root: Node | None) -> list[tuple[object, ...]]:
    """A node tree flattened in document order: kind, tag, scalar value, start line and col."""
    out: list[tuple[object, ...]] = []
    seen: set[int] = set()
    stack: list[Node] = [root] if root is not None else []
    while stack:
        node = stack.pop()
        mark = node.start_mark
        # A core tag written in the file keeps its written form (`!!str`) in the loader's tree.
        tag = "tag:yaml.org,2002:" + node.tag[2:] if node.tag.startswith("!!") else node.tag
        out.append((type(node).__name__, tag, mark.line, mark.column))
        if id(node) in seen:  # an alias: shared, not expanded
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            out.append(("value", node.value, node.style))
        elif isinstance(node, MappingNode):
            stack.extend(n for pair in reversed(node.value) for n in reversed(pair))
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
    return out


def compose_both(text: str) -> tuple[object, object]:
    """(PyYAML's libyaml composer, the loader's composer): a node tree or the error's kind."""
    results: list[object] = []
    for compose in (
        lambda: yaml.compose(text, Loader=yaml.CSafeLoader),
        lambda: _compose(text, "fuzz.yaml"),
    ):
        try:
            results.append(node_tree(compose()))
        except (yaml.YAMLError, BankLoadError) as e:
            results.append(type(e).__name__)
    return results[0], results[1]


@pytest.mark.parametrize("seed", range(len(SEEDS)))
def test_composer_matches_pyyaml_on_good_banks(seed: int) -> None:
    ours, theirs = compose_both(SEEDS[seed].decode("utf-8"))
    assert isinstance(ours, list) and ours == theirs


@FUZZ
@given(mutated())
def test_composer_matches_pyyaml_on_mutated_banks(data: bytes) -> None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    if "\x00" in text:
        return
    theirs, ours = compose_both(text)
    if isinstance(theirs, list):
        # libyaml composes it: so must we, to the same tree (unless it is too deep for a bank)
        assert ours == theirs or ours == "BankLoadError"
    else:
        assert not isinstance(ours, list), f"PyYAML refused it ({theirs}), we did not"
