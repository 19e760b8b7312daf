"""The loader: good banks become typed objects; every rejection is an exact file:line:col error.

Each bad bank under tests/data/bad shows one rejection of the Foundation issue; the expected
messages are written out in full so that a change of position or wording is noticed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from quiz.bank.findings import BankLoadError, Finding, Severity
from quiz.bank.load import MAX_FILE_BYTES, load_bank, load_bank_bytes
from quiz.bank.model import Pos, QuestionType

REPO = Path(__file__).resolve().parents[2]
GOOD = REPO / "tests" / "data" / "good"
BAD = REPO / "tests" / "data" / "bad"


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages name files relative to the working directory: run from the repository."""
    monkeypatch.chdir(REPO)


def errors_of(path: Path | str) -> list[str]:
    with pytest.raises(BankLoadError) as info:
        load_bank(path)
    assert all(f.severity is Severity.ERROR for f in info.value.findings)
    return [f.format() for f in info.value.findings]


def bytes_errors(data: bytes) -> list[str]:
    with pytest.raises(BankLoadError) as info:
        load_bank_bytes(data, "bank.yaml")
    return [f.format() for f in info.value.findings]


# -- good banks ---------------------------------------------------------------------------


def test_minimal_bank_loads_every_type() -> None:
    bank = load_bank(GOOD / "minimal.yaml")
    assert bank.id == "sample"
    assert bank.language == "en"
    assert bank.version == "1"
    assert bank.path == GOOD / "minimal.yaml"
    assert {q.type for q in bank.questions} == set(QuestionType)
    single = bank.question("what-is-twitch")
    assert single.correct_options == (0,)
    assert single.options[1].why == "That describes a cramp."
    assert single.source.id == "doc" and single.source.section == "Intro"
    assert bank.question("tf-common").answer is True
    assert bank.question("emg").answers == ("EMG", "electromyography")
    flash = bank.question("weak")
    assert flash.red_flag and flash.action and flash.action.startswith("See your doctor")
    assert bank.question("cloze-cramp").cloze_revealed() == (
        "A cramp is a sudden painful tightening of a muscle."
    )
    assert bank.question("multi-triggers").correct_options == (0, 1)


def test_positions_point_at_the_fields() -> None:
    bank = load_bank(GOOD / "minimal.yaml")
    q = bank.question("what-is-twitch")
    assert q.pos == Pos(10, 5)
    assert q.pos_of("prompt") == Pos(12, 13)
    assert q.pos_of("options.1") == Pos(20, 9)
    assert q.pos_of("options.1.text") == Pos(20, 15)
    assert q.pos_of("options.2.why") == Pos(23, 14)
    assert q.pos_of("no-such-field") == q.pos


def test_every_good_bank_loads() -> None:
    files = sorted(GOOD.glob("*.yaml"))
    assert len(files) >= 2
    for f in files:
        assert load_bank(f).questions


BANK_HEAD = """\
id: head
title: Head
description: A bank.
version: 2
sources: [{id: doc, title: Doc, publisher: NHS, date: 2024-05-01, url: "https://x.invalid"}]
"""
TF_ITEM = """\
  - id: q{n}
    type: true_false
    prompt: Twitching is common.
    answer: {answer}
    explanation: Many people twitch.
    source: {{id: doc, section: Intro}}
    topics: [basics]
"""


def test_scalars_are_kept_as_written_and_bank_lint_ignore_is_folded_in() -> None:
    text = (
        BANK_HEAD
        + "lint_ignore: [reading-level-item]\nquestions:\n"
        + TF_ITEM.format(n=1, answer="false")
        + "    lint_ignore: [negative-stem]\n"
        + TF_ITEM.format(n=2, answer="yes")
    )
    bank = load_bank_bytes(text.encode())
    assert bank.version == "2"
    assert bank.sources[0].date == "2024-05-01"
    assert bank.sources[0].publisher == "NHS"
    assert bank.question("q1").answer is False
    assert bank.question("q2").answer is True
    assert bank.question("q1").lint_ignore == {"reading-level-item", "negative-stem"}
    assert bank.question("q2").lint_ignore == {"reading-level-item"}


def test_a_byte_order_mark_is_accepted() -> None:
    text = BANK_HEAD + "questions:\n" + TF_ITEM.format(n=1, answer="true")
    bank = load_bank_bytes(b"\xef\xbb\xbf" + text.encode())
    assert bank.questions[0].id == "q1"


# -- one rejection per bad bank ------------------------------------------------------------

BAD_CASES: dict[str, list[str]] = {
    "invalid-yaml.yaml": [
        "tests/data/bad/invalid-yaml.yaml:12:1: error: invalid YAML: did not find "
        "expected ',' or ']' [yaml-syntax]"
    ],
    "invalid-utf8.yaml": [
        "tests/data/bad/invalid-utf8.yaml:2:14: error: the file is not valid UTF-8 "
        "(byte 0xff) [encoding]"
    ],
    "binary-junk.yaml": [
        "tests/data/bad/binary-junk.yaml:3:1: error: this is a binary file, not a YAML bank "
        "[binary]"
    ],
    "empty.yaml": [
        "tests/data/bad/empty.yaml:1:1: error: the file is empty: a bank needs id, title, "
        "questions, ... [empty-file]"
    ],
    "only-comments.yaml": [
        "tests/data/bad/only-comments.yaml:1:1: error: the file is empty: a bank needs id, "
        "title, questions, ... [empty-file]"
    ],
    "not-a-mapping.yaml": [
        "tests/data/bad/not-a-mapping.yaml:1:1: error: the bank (top level) must be a mapping "
        "of keys to values, found a list [wrong-type]"
    ],
    "python-tag.yaml": [
        "tests/data/bad/python-tag.yaml:3:14: error: the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system' is not allowed: a bank holds only "
        "plain text, numbers, true/false, lists and mappings [unsafe-tag]"
    ],
    "duplicate-key.yaml": [
        "tests/data/bad/duplicate-key.yaml:14:5: error: duplicate key 'explanation' "
        "(first at line 13) [duplicate-key]"
    ],
    "alias-bomb.yaml": [
        "tests/data/bad/alias-bomb.yaml:1:38: error: the document expands to far more values "
        "than its size allows (repeated aliases?) [too-many-nodes]"
    ],
    "deep-nesting.yaml": [
        "tests/data/bad/deep-nesting.yaml:21:35: error: values are nested more than 32 levels "
        "deep [too-deep]"
    ],
    "wrong-types.yaml": [
        "tests/data/bad/wrong-types.yaml:11:13: error: question 'q1': prompt must be text, "
        "found a number (put it in quotes) [wrong-type]",
        "tests/data/bad/wrong-types.yaml:12:13: error: question 'q1': answer must be true or "
        "false, found text [wrong-type]",
        "tests/data/bad/wrong-types.yaml:13:18: error: question 'q1': explanation must be "
        "text, found a list [wrong-type]",
        "tests/data/bad/wrong-types.yaml:15:13: error: question 'q1': topics must be a list, "
        "found text [wrong-type]",
    ],
    "duplicate-question-id.yaml": [
        "tests/data/bad/duplicate-question-id.yaml:16:5: error: question 'twitch-common': "
        "question id 'twitch-common' is used twice (first at line 9); ids must be unique in a "
        "bank [duplicate-id]"
    ],
    "undeclared-source.yaml": [
        "tests/data/bad/undeclared-source.yaml:14:18: error: question 'q1': source 'leaflet' "
        "is not declared in the bank's sources (declared: doc) [unknown-source]"
    ],
    "cloze-without-deletion.yaml": [
        "tests/data/bad/cloze-without-deletion.yaml:11:13: error: question 'cramp-cloze': "
        "a cloze prompt needs at least one {{c1::hidden text}} [cloze-missing]"
    ],
    "unknown-key.yaml": [
        "tests/data/bad/unknown-key.yaml:9:5: error: question 'q1': a question needs "
        "'explanation' [missing-key]",
        "tests/data/bad/unknown-key.yaml:13:5: error: question 'q1': unknown key "
        "'explaination' in a question (did you mean 'explanation'?) [unknown-key]",
    ],
    "several-errors.yaml": [
        "tests/data/bad/several-errors.yaml:9:9: error: question 'Bad_Id': question id "
        "'Bad_Id' must be a lowercase slug such as 'weakness-key' (letters, digits and single "
        "hyphens) [bad-id]",
        "tests/data/bad/several-errors.yaml:16:7: error: question 'Bad_Id': exactly one "
        "option must be correct (found 2) [single-one-correct]",
        "tests/data/bad/several-errors.yaml:20:11: error: question 'q2': unknown question "
        "type 'essay' (use one of: single, multi, true_false, flashcard, cloze, typed) "
        "[bad-type]",
        "tests/data/bad/several-errors.yaml:32:15: error: question 'q3': a red_flag question "
        "needs an 'action': what the learner should do [red-flag-action]",
        "tests/data/bad/several-errors.yaml:39:5: error: question 'q4': 'answer' does not "
        "belong in a 'multi' question [unknown-key]",
        "tests/data/bad/several-errors.yaml:41:7: error: question 'q4': a 'multi' question "
        "needs 3 to 5 options (found 2) [option-count]",
        "tests/data/bad/several-errors.yaml:41:7: error: question 'q4': at least one option "
        "must be correct [multi-needs-correct]",
    ],
}


def test_every_bad_bank_has_a_case() -> None:
    assert sorted(p.name for p in BAD.glob("*.yaml")) == sorted(BAD_CASES)


@pytest.mark.parametrize("name", sorted(BAD_CASES))
def test_bad_bank_is_rejected_with_exact_messages(name: str) -> None:
    assert errors_of(Path("tests/data/bad") / name) == BAD_CASES[name]


def test_all_errors_in_a_file_are_reported() -> None:
    rules = [line.rsplit("[", 1)[1].rstrip("]") for line in BAD_CASES["several-errors.yaml"]]
    assert len(rules) == 7 and len(set(rules)) == 7
    # and every one of them is found in a single load
    assert len(errors_of("tests/data/bad/several-errors.yaml")) == 7


# -- rejections built in the test (too big to commit) ---------------------------------------


def test_100000_open_brackets_are_too_deep(tmp_path: Path) -> None:
    """libyaml's recursive composer segfaulted on this before the depth pre-check.

    Which guard stops it depends on the libyaml underneath: ours at depth 33, or (PyYAML
    6.0.4's bundled libyaml, whose scanner reads 1,024 characters ahead on one line) its own
    limit of 1,000. Either way it is the same refusal, on line 1, within the lookahead.
    """
    f = tmp_path / "deep.yaml"
    f.write_text("[" * 100_000)
    with pytest.raises(BankLoadError) as info:
        load_bank(f)
    (finding,) = info.value.findings
    assert (finding.line, finding.rule) == (1, "too-deep")
    assert 33 <= finding.col <= 1025
    assert finding.message == "values are nested more than 32 levels deep"


def test_open_brackets_one_per_line_stop_at_our_own_limit() -> None:
    """With a line break after each '[' no scanner reads ahead past our limit: the loader's
    own guard refuses the 33rd level, whatever libyaml allows."""
    (finding,) = _findings(b"[\n" * 100_000)
    assert (finding.line, finding.col, finding.rule) == (33, 1, "too-deep")


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "{a: " * 50_000,
        "- " * 50_000,
        "".join(" " * i + "a:\n" for i in range(2_000)),
    ],
    ids=["flow-mappings", "block-sequence-on-one-line", "indented-mappings"],
)
def test_other_deep_nesting_is_refused(text: str) -> None:
    (finding,) = _findings(text.encode())
    assert finding.rule == "too-deep"
    assert finding.message == "values are nested more than 32 levels deep"


@pytest.mark.parametrize(
    "text",
    [
        # 20,000 aliases to one megabyte of text: 20 GB to look at, in a 1 MB file
        'a: &x "' + "a" * 1_000_000 + '"\nb: [' + ", ".join(["*x"] * 20_000) + "]\n",
        # aliases used as keys
        "? &k " + "k" * 100_000 + "\n: 1\n" + "? *k\n: 1\n" * 200,
    ],
    ids=["aliases-to-long-text", "aliases-as-keys"],
)
def test_aliases_to_long_text_spend_the_budget_by_characters(text: str) -> None:
    """The budget counts characters as well as values, so repeating long text through
    aliases is refused like repeating many values (an independent review found the first
    of these ran for hours)."""
    findings = _findings(text.encode())
    assert findings[-1].rule == "too-many-nodes"
    assert len(findings) <= 2


def _findings(data: bytes) -> list[Finding]:
    with pytest.raises(BankLoadError) as info:
        load_bank_bytes(data, "bank.yaml")
    return list(info.value.findings)


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    f = tmp_path / "huge.yaml"
    with f.open("wb") as out:
        out.truncate(MAX_FILE_BYTES + 1)
    shown = str(f)
    assert errors_of(f) == [
        f"{shown}:1:1: error: the file is 5,242,881 bytes; a bank may be at most 5,242,880 "
        "bytes [file-too-large]"
    ]


def test_oversized_bytes_are_refused() -> None:
    assert bytes_errors(b"#" * (MAX_FILE_BYTES + 1)) == [
        "bank.yaml:1:1: error: the file is 5,242,881 bytes; a bank may be at most 5,242,880 "
        "bytes [file-too-large]"
    ]


def test_a_missing_file_is_an_error_naming_it() -> None:
    assert errors_of("tests/data/bad/no-such-bank.yaml") == [
        "tests/data/bad/no-such-bank.yaml:1:1: error: cannot read the file: No such file or "
        "directory [unreadable]"
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            "id: x\ntitle: a\u00e9\u00e9\x07b\n".encode(),
            "bank.yaml:2:11: error: invalid YAML: the character U+0007 is not allowed "
            "(control characters are not allowed) [yaml-syntax]",
        ),
        (
            b"id: x\n\ttitle: y\n",
            "bank.yaml:2:1: error: invalid YAML: found a tab character that violates "
            "indentation [yaml-syntax]",
        ),
        (
            b"id: *nowhere\n",
            "bank.yaml:1:5: error: invalid YAML: found undefined alias [yaml-syntax]",
        ),
        (
            b"id: x\n---\nid: y\n",
            "bank.yaml:2:1: error: invalid YAML: but found another document [yaml-syntax]",
        ),
        (
            b"!!binary aGVsbG8=\n",
            "bank.yaml:1:1: error: the tag 'tag:yaml.org,2002:binary' is not allowed: a bank "
            "holds only plain text, numbers, true/false, lists and mappings [unsafe-tag]",
        ),
        (
            b"a: &x 1\nb: &x 2\n",
            "bank.yaml:2:4: error: invalid YAML: found duplicate anchor '&x' (first at line 1) "
            "[yaml-syntax]",
        ),
        (
            b"a: &x {b: 1}\nc:\n  <<: *x\n",
            "bank.yaml:3:3: error: merge keys ('<<') are not supported [unsafe-tag]",
        ),
    ],
    ids=[
        "control-character",
        "tab",
        "undefined-alias",
        "two-documents",
        "binary-tag",
        "duplicate-anchor",
        "merge",
    ],
)
def test_more_yaml_problems(data: bytes, expected: str) -> None:
    assert expected in bytes_errors(data)


def test_a_python_object_is_never_built(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = BANK_HEAD.replace(
        "title: Head", f"title: !!python/object/apply:os.system ['touch {marker}']"
    )
    errors = bytes_errors((text + "questions:\n" + TF_ITEM.format(n=1, answer="true")).encode())
    assert any("[unsafe-tag]" in e for e in errors)
    assert not marker.exists()


def test_the_cli_reports_bad_banks_without_a_traceback() -> None:
    """Every bad bank through the real command: exit 1, the messages on stdout, no traceback."""
    proc = subprocess.run(
        [sys.executable, "-m", "quiz", "check", "tests/data/bad"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = proc.stdout.splitlines()
    for expected in BAD_CASES.values():
        for line in expected:
            assert line in lines
    n = sum(len(v) for v in BAD_CASES.values())
    assert lines[-1] == f"{len(BAD_CASES)} banks checked (0 questions): {n} errors, 0 warnings"


@pytest.mark.parametrize(
    "path",
    sorted(GOOD.glob("*.yaml")) + sorted((REPO / "decks").glob("*.yaml")),
    ids=lambda p: p.name,
)
def test_good_banks_parse_the_same_without_libyaml(path: Path) -> None:
    """The loader uses libyaml when present; PyYAML's own parser must read the bank the same.

    The two disagree on some plain scalars ("section: What is it?}" in a flow mapping is
    fine for libyaml and an error for PyYAML), and a machine without libyaml must still
    load every bank.
    """
    import yaml

    text = path.read_text("utf-8")
    assert yaml.load(text, Loader=yaml.SafeLoader) == yaml.load(text, Loader=yaml.CSafeLoader)


def test_values_quoted_in_messages_stay_on_one_printable_line() -> None:
    """A key or id from the file cannot break the one-line format or send terminal escapes."""
    errors = bytes_errors(
        b'"bad\\nkey\\e[31m": 1\nquestions: [{id: "a\\nb"}]\n' + b"k" * 200 + b": 1\n"
    )
    assert all(e.isprintable() for e in errors)
    assert (
        "bank.yaml:1:1: error: unknown key 'bad\\nkey\\x1b[31m' in the bank (top level) "
        "[unknown-key]" in errors
    )
    assert any(e.startswith("bank.yaml:2:13: error: question 'a\\nb': ") for e in errors)
    assert f"unknown key '{'k' * 59}\u2026' in the bank (top level) [unknown-key]" in " ".join(
        errors
    )


@pytest.mark.parametrize("enabled", [True, False])
def test_the_garbage_collector_is_left_as_it_was(enabled: bool) -> None:
    """load_bank pauses the collector while building; it must restore it, even on error."""
    import gc

    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        load_bank(GOOD / "minimal.yaml")
        assert gc.isenabled() is enabled
        with pytest.raises(BankLoadError):
            load_bank(BAD / "several-errors.yaml")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


@pytest.mark.parametrize(
    ("old", "new", "quoted"),
    [
        ("answers: [EMG, electromyography]", 'answers: [EMG, "\\u200b"]', "'\u200b'"),
        ("answers: [EMG, electromyography]", 'answers: ["???"]', "'???'"),
        ("answers: [EMG, electromyography]", "answers: [🙂]", "'🙂'"),
        ("{{c1::painful}}", "{{c1::\u200b\u200b}}", "'{{c1::\u200b\u200b}}'"),
        ("{{c1::painful}}", "{{c1::%}}", "'{{c1::%}}'"),
    ],
    ids=["zero-width-space", "punctuation", "emoji", "cloze-zero-width", "cloze-symbol"],
)
def test_an_answer_nobody_could_type_is_refused(old: str, new: str, quoted: str) -> None:
    """Typed and cloze answers are compared by letters and digits: an answer with none
    could never be matched, so the question could never be answered right (found by an
    independent review: such a bank passed check --strict)."""
    data = (GOOD / "minimal.yaml").read_text("utf-8").replace(old, new)
    findings = _findings(data.encode())
    assert [f.rule for f in findings] in (["typed-answers"], ["cloze-missing"])
    assert quoted in findings[0].message and "no letter or digit" in findings[0].message
