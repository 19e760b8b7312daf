"""The Anki card templates and style sheet of the exported note types (HTML and CSS, no JavaScript).

Every note type shares one style sheet: one readable column (max-width) with large text for a
phone, a highlighted box for a red-flag item's action, and colours for Anki's night mode (Anki
puts `nightMode` on the card in the desktop app and `night_mode` in AnkiDroid). Right and wrong
are said in words and symbols, not by colour alone.

On every back, the first thing under the line Anki scrolls to (`<hr id=answer>`) is the
red-flag "What to do" box when the note has one: safety first, then the answer, the
explanation and the source. Options carry their letters (A, B, C...) in the text, so the
back can name them.

Field names here must match the field lists in `quiz.export.anki`.
"""

from __future__ import annotations

CSS = """\
.card {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 20px;
  line-height: 1.5;
  text-align: left;
  color: #1f2328;
  background-color: #ffffff;
}
.pq { max-width: 36em; margin: 0 auto; padding: 0.5em 0.75em 2em; overflow-wrap: break-word; }
.pq-kind { font-size: 0.8em; color: #57606a; margin-bottom: 0.4em; }
.pq-prompt { font-size: 1.15em; font-weight: 600; margin-bottom: 0.75em; }
.pq ol { padding-left: 1.8em; margin: 0.5em 0; }
.pq li { padding: 0.4em 0; }
.pq ol.pq-options { list-style: none; padding-left: 0; }
.pq-options li { display: flex; align-items: baseline; gap: 0.6em; }
.pq-letter {
  flex: none; min-width: 1.6em; text-align: center; font-weight: 700;
  border: 1px solid #8c959f; border-radius: 4px;
}
.pq-text { flex: 1; min-width: 0; }
.pq a { color: #0550ae; }
.pq-label { font-size: 0.8em; font-weight: 700; margin-bottom: 0.2em; }
.pq-answer {
  background-color: #dafbe1; border-left: 6px solid #1a7f37;
  border-radius: 6px; padding: 0.6em 0.8em; margin: 0.75em 0;
}
.pq-answer ol { margin: 0; }
.pq-mark { font-weight: 700; }
.pq-right .pq-mark { color: #1a7f37; }
.pq-wrong .pq-mark { color: #6e7781; }
.pq-why { display: block; font-size: 0.9em; color: #424a53; }
.pq-explanation { margin: 0.75em 0; }
.pq-action {
  background-color: #fff8c5; border: 2px solid #bf8700;
  border-radius: 8px; padding: 0.7em 0.9em; margin: 1em 0;
}
.pq-action { margin-top: 0.5em; }
.pq-source { font-size: 0.75em; color: #57606a; margin-top: 1.5em; }
.pq-also { font-size: 0.9em; margin: 0.5em 0; }
.cloze { font-weight: 700; color: #0550ae; }
#typeans {
  font-size: 1em; width: 100%; box-sizing: border-box;
  padding: 0.5em; margin-top: 0.5em; border-radius: 6px;
}
hr#answer { border: 0; border-top: 1px solid #d0d7de; margin: 1em 0; }

.nightMode.card, .night_mode.card, .nightMode .card, .night_mode .card {
  color: #e6edf3; background-color: #0d1117;
}
.nightMode .pq-kind, .night_mode .pq-kind,
.nightMode .pq-source, .night_mode .pq-source { color: #9da7b3; }
.nightMode .pq-answer, .night_mode .pq-answer {
  background-color: #12261e; border-left-color: #3fb950;
}
.nightMode .pq-right .pq-mark, .night_mode .pq-right .pq-mark { color: #3fb950; }
.nightMode .pq-wrong .pq-mark, .night_mode .pq-wrong .pq-mark { color: #9da7b3; }
.nightMode .pq-why, .night_mode .pq-why { color: #c9d1d9; }
.nightMode .pq-action, .night_mode .pq-action { background-color: #2e2400; border-color: #d29922; }
.nightMode .cloze, .night_mode .cloze { color: #79c0ff; }
.nightMode .pq a, .night_mode .pq a { color: #79c0ff; }
.nightMode .pq-letter, .night_mode .pq-letter { border-color: #6e7681; }
.nightMode hr#answer, .night_mode hr#answer { border-top-color: #30363d; }
"""

_SOURCE_AND_END = '<div class="pq-source">Source: {{Source}}</div>\n</div>'

#: The red-flag action, in a highlighted box (only when the note has an action).
_ACTION_BOX = (
    '{{#Action}}<div class="pq-action">'
    '<div class="pq-label">\u26a0 What to do</div>{{Action}}</div>{{/Action}}\n'
)

#: The answer-side tail every note type shares: explanation, source.
_BACK_TAIL = (
    '{{#Explanation}}<div class="pq-explanation">{{Explanation}}</div>{{/Explanation}}\n'
    + _SOURCE_AND_END
)

#: Where the back starts: the line Anki scrolls to, then the red-flag action box.
_ANSWER_START = "<hr id=answer>\n" + _ACTION_BOX

MULTIPLE_CHOICE_FRONT = """\
<div class="pq">
<div class="pq-kind">{{Instruction}}</div>
<div class="pq-prompt">{{Question}}</div>
{{Options}}
</div>"""

MULTIPLE_CHOICE_BACK = (
    """\
<div class="pq">
<div class="pq-kind">{{Instruction}}</div>
<div class="pq-prompt">{{Question}}</div>
"""
    + _ANSWER_START
    + """<div class="pq-answer"><div class="pq-label">Correct answer</div>{{Correct}}</div>
{{Option feedback}}
"""
    + _BACK_TAIL
)

TRUE_FALSE_FRONT = """\
<div class="pq">
<div class="pq-kind">True or false?</div>
<div class="pq-prompt">{{Statement}}</div>
</div>"""

TRUE_FALSE_BACK = (
    """\
<div class="pq">
<div class="pq-kind">True or false?</div>
<div class="pq-prompt">{{Statement}}</div>
"""
    + _ANSWER_START
    + """<div class="pq-answer"><div class="pq-label">Answer</div>{{Answer}}</div>
"""
    + _BACK_TAIL
)

BASIC_FRONT = """\
<div class="pq">
<div class="pq-kind">Recall the answer</div>
<div class="pq-prompt">{{Front}}</div>
</div>"""

BASIC_BACK = (
    """\
<div class="pq">
<div class="pq-kind">Recall the answer</div>
<div class="pq-prompt">{{Front}}</div>
"""
    + _ANSWER_START
    + """<div class="pq-answer"><div class="pq-label">Answer</div>{{Back}}</div>
"""
    + _BACK_TAIL
)

BASIC_TYPING_FRONT = """\
<div class="pq">
<div class="pq-kind">Type the answer</div>
<div class="pq-prompt">{{Front}}</div>
{{type:nc:Answer}}
</div>"""

BASIC_TYPING_BACK = (
    """\
<div class="pq">
<div class="pq-kind">Type the answer</div>
<div class="pq-prompt">{{Front}}</div>
"""
    + _ANSWER_START
    + """{{type:nc:Answer}}
{{#Also accepted}}<div class="pq-also"><div class="pq-label">Also right</div>{{Also accepted}}
<div class="pq-why">Anki compares what you typed with the first answer only: these count as \
right too.</div></div>{{/Also accepted}}
"""
    + _BACK_TAIL
)

CLOZE_FRONT = """\
<div class="pq">
<div class="pq-kind">Fill in the blank</div>
<div class="pq-prompt">{{cloze:Text}}</div>
</div>"""

CLOZE_BACK = (
    """\
<div class="pq">
<div class="pq-kind">Fill in the blank</div>
<div class="pq-prompt">{{cloze:Text}}</div>
"""
    + _ANSWER_START
    + """{{#Back Extra}}<div class="pq-explanation">{{Back Extra}}</div>{{/Back Extra}}
"""
    + _SOURCE_AND_END
)
