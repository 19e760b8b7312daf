"""`quiz export handout [BANK ...] -o FILE.pdf|FILE.html`: the banks' facts as a leaflet a
patient can take home.

The handout is built once (`build_handout`) and drawn as PDF or HTML:

1. "Get help if..." first: the actions of the red-flag items, in a marked box.
2. Key facts per topic, in plain sentences built from the items: a true statement as it
   is, a false one through its explanation, a cloze sentence filled in, and for the other
   types the explanation (which states the answer in full).
3. Sources at the end, then the shipped disclaimer.
4. Optionally a teach-back page ("explain in your own words", with room to write) and a
   QR code linking to a study address (segno).

The PDF is typeset by Typst through the `typst` package, whose wheel bundles the compiler
and its fonts: nothing from the system is needed, the fonts (Libertinus Serif) are
embedded, and the layout (hyphenation, page breaks, a box that may break across pages)
is Typst's. Bank text never becomes Typst markup: the template reads every text from a
JSON file (`json("data.json")`), and a string read that way is shown as written. In HTML
every text is escaped.
"""

from __future__ import annotations

import html
import json
import re
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from quiz.bank.model import Bank, Question, QuestionType
from quiz.export.base import (
    ExportError,
    ExportOptions,
    humanize_topic,
    plural,
    write_atomically,
    xml_safe,
)


@dataclass
class Handout:
    """What the leaflet says, in order."""

    title: str
    subtitle: str
    language: str
    actions: list[str]
    #: (heading, facts)
    sections: list[tuple[str, list[str]]]
    sources: list[str]
    disclaimer: str
    teach_back: list[str] = field(default_factory=list)
    qr_url: str | None = None
    large: bool = False


def fact(q: Question) -> str:
    """The plain sentence a question teaches."""
    if q.type is QuestionType.TRUE_FALSE:
        return q.prompt if q.answer else q.explanation
    if q.type is QuestionType.CLOZE:
        return q.cloze_revealed()
    return q.explanation


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _citation(bank: Bank, source_id: str) -> str:
    s = bank.source(source_id)
    parts = [s.title]
    if s.publisher:
        parts.append(s.publisher)
    if s.date:
        parts.append(s.date)
    text = ". ".join(p.rstrip(".") for p in parts) + "."
    if s.url:
        text += f" {s.url}"
    return text


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


#: how a step of an action starts; any other sentence belongs to the step before it
#: ("Do not wait.", "One example is ...")
_STEP_STARTS = ("call ", "get ", "see ", "also ")
#: an "Also ..." step said on its own, as it stands in the leaflet's list
_ALSO = {
    "also call now ": "Call emergency services now ",
    "also get ": "Get ",
    "also see ": "See ",
}


def _sentences(text: str) -> list[str]:
    """An action's steps, each on its own: the red-flag actions repeat the same steps
    ("Call emergency services now if ..."), and a leaflet says each step once. A sentence
    that does not start a step stays with the step before it; "Also call now if ..." is
    said as "Call emergency services now if ..." so that the same step is not listed
    twice."""
    steps: list[str] = []
    for part in _SENTENCE_END.split(text.strip()):
        part = " ".join(part.split())
        if not part:
            continue
        lower = part.casefold()
        if steps and not lower.startswith(_STEP_STARTS):
            steps[-1] += " " + part
            continue
        for also, plain in _ALSO.items():
            if lower.startswith(also):
                part = plain + part[len(also) :]
                break
        steps.append(part)
    return steps


def _urgency(sentence: str) -> int:
    """Most urgent first: emergency services, then the same day, then the rest."""
    lower = sentence.casefold()
    if "emergency" in lower:
        return 0
    if "same day" in lower:
        return 1
    return 2


def build_handout(banks: Sequence[Bank], options: ExportOptions) -> Handout:
    """The handout of `banks`."""
    from quiz.bank.discover import disclaimer_text

    actions: dict[str, str] = {}
    sections: dict[str, list[str]] = {}
    seen: set[str] = set()
    sources: dict[str, str] = {}
    teach: list[tuple[int, str]] = []
    for bank in banks:
        used = {q.source.id for q in bank.questions}
        for s in bank.sources:
            if s.id in used:
                citation = _citation(bank, s.id)
                sources.setdefault(_norm(citation), citation)
        for q in bank.questions:
            if q.red_flag and q.action:
                for sentence in _sentences(q.action):
                    actions.setdefault(_norm(sentence), sentence)
            sentence = " ".join(fact(q).split())
            heading = humanize_topic(q.topics[0]) if q.topics else "Key facts"
            if _norm(sentence) not in seen:
                seen.add(_norm(sentence))
                sections.setdefault(heading, []).append(sentence)
            prompt = " ".join(q.prompt.split())
            if q.type in (
                QuestionType.SINGLE,
                QuestionType.FLASHCARD,
                QuestionType.TYPED,
            ) and prompt.endswith("?"):
                teach.append((0 if q.red_flag else 1, prompt))
    if options.title:
        title, subtitle = options.title, ""
    elif len(banks) == 1:
        title, subtitle = banks[0].title, banks[0].description
    else:
        title = "What to know: key facts to take home"
        subtitle = " \u00b7 ".join(b.title for b in banks)
    language = banks[0].language if banks else "en"
    if not re.fullmatch(r"[a-z]{2,3}", language):
        language = "en"
    try:
        disclaimer = " ".join(disclaimer_text().split())
    except OSError:
        disclaimer = "This leaflet is for learning. It is not a diagnosis and not medical advice."
    picked: list[str] = []
    for _, prompt in sorted(teach, key=lambda t: t[0]):
        if prompt not in picked:
            picked.append(prompt)
        if len(picked) == 6:
            break
    return Handout(
        title=title,
        subtitle=subtitle,
        language=language,
        actions=sorted(actions.values(), key=_urgency),  # stable: file order within a level
        sections=list(sections.items()),
        sources=list(sources.values()),
        disclaimer=disclaimer,
        teach_back=picked if options.teach_back else [],
        qr_url=options.qr_url,
        large=options.large,
    )


# --- PDF -------------------------------------------------------------------------------------

#: The Typst template. Every text comes from data.json; none is written into the markup.
TEMPLATE = r"""
#let d = json("data.json")
#let base = if d.large { 16pt } else { 11pt }
#let red = rgb("#a4001d")
#set document(title: d.title, date: none)
#set page(
  paper: "a4",
  margin: (x: if d.large { 2cm } else { 2.2cm }, top: 2cm, bottom: 2.4cm),
  footer: context [
    #set text(size: base * 0.8, fill: luma(90))
    #d.footer #h(1fr) #counter(page).display("1 / 1", both: true)
  ],
)
#set text(font: "Libertinus Serif", size: base, lang: d.language, hyphenate: false)
#set par(leading: 0.75em, spacing: 1.1em)
#set list(spacing: 0.9em, indent: 0.3em)
#show heading.where(level: 1): set text(size: base * 1.35)
#show heading: set block(above: 1.4em, below: 0.8em)

#text(size: base * 1.9, weight: "bold")[#d.title]
#if d.subtitle != "" {
  v(-0.3em)
  text(size: base * 1.05, fill: luma(60))[#d.subtitle]
}
#v(0.4em)

#if d.actions.len() > 0 {
  block(
    width: 100%,
    breakable: true,
    stroke: 3pt + red,
    radius: 4pt,
    inset: 12pt,
    fill: rgb("#fff3f3"),
  )[
    #text(size: base * 1.3, weight: "bold", fill: red)[#d.actions_heading]
    #v(0.2em)
    #list(..d.actions.map(a => block(breakable: false)[#a]))
  ]
}

#for s in d.sections {
  heading(level: 1)[#s.at(0)]
  list(..s.at(1).map(f => [#f]))
}

#if d.qr != none {
  v(1em)
  block(breakable: false)[
    #grid(
      columns: (auto, 1fr),
      gutter: 1em,
      image("qr.svg", width: if d.large { 4cm } else { 3cm }),
      align(horizon)[#text(weight: "bold")[#d.qr_heading] \ #d.qr],
    )
  ]
}

#heading(level: 1)[#d.sources_heading]
#set text(size: base * 0.9)
#list(..d.sources.map(s => [#s]))
#v(0.8em)
#block(width: 100%, inset: 8pt, stroke: 0.5pt + luma(120))[#d.disclaimer]

#if d.teach_back.len() > 0 {
  pagebreak()
  set text(size: base)
  heading(level: 1)[#d.teach_heading]
  par[#d.teach_intro]
  for question in d.teach_back {
    block(breakable: false, above: 1.4em)[
      #text(weight: "bold")[#question]
      #for _ in range(3) {
        v(if d.large { 1.5em } else { 1.2em })
        line(length: 100%, stroke: 0.5pt + luma(140))
      }
    ]
  }
}
"""

WORDS = {
    "actions_heading": "Get medical help if\u2026",
    "sources_heading": "Where these facts come from",
    "teach_heading": "Teach-back: explain it in your own words",
    "teach_intro": (
        "Answer each question in your own words, then tell your nurse or doctor. "
        "Saying it back helps you remember, and shows what to go over again."
    ),
    "qr_heading": "Study these facts on your phone or computer:",
}


def _data(h: Handout) -> dict[str, object]:
    d = asdict(h)
    d["sections"] = [[heading, facts] for heading, facts in h.sections]
    d["qr"] = h.qr_url
    d["footer"] = h.title
    d.update(WORDS)
    return d


def _clean(value: object) -> object:
    """Every string with the characters XML and Typst cannot show removed."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def _qr_svg(url: str) -> bytes:
    import segno

    qr = segno.make(url, error="m")
    import io

    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=4, border=2, xmldecl=True, svgns=True)
    return buffer.getvalue()


def render_pdf(h: Handout) -> bytes:
    """The handout as PDF, typeset by Typst with its bundled fonts."""
    import typst

    with tempfile.TemporaryDirectory(prefix="quiz-handout-") as tmp:
        root = Path(tmp)
        (root / "main.typ").write_text(TEMPLATE, "utf-8")
        (root / "data.json").write_text(json.dumps(_clean(_data(h)), ensure_ascii=False), "utf-8")
        if h.qr_url:
            (root / "qr.svg").write_bytes(_qr_svg(h.qr_url))
        try:
            pdf = typst.compile(str(root / "main.typ"), root=str(root), ignore_system_fonts=True)
        except Exception as e:  # typst.TypstError and its kin
            raise ExportError(f"the PDF could not be typeset: {e}") from None
    if not isinstance(pdf, bytes):
        raise ExportError("the PDF could not be typeset")
    return pdf


# --- HTML ------------------------------------------------------------------------------------

CSS = """
body { font-family: Georgia, 'Libertinus Serif', serif; font-size: 12pt; line-height: 1.5;
  max-width: 44em; margin: 2em auto; padding: 0 1em; color: #111; }
body.large { font-size: 17pt; }
h1 { font-size: 1.9em; margin-bottom: 0.2em; }
.subtitle { color: #444; margin-top: 0; }
h2 { font-size: 1.35em; margin-top: 1.4em; }
.red-flags { border: 3px solid #a4001d; background: #fff3f3; border-radius: 4px;
  padding: 0.6em 1.2em; }
.red-flags h2 { color: #a4001d; margin-top: 0.3em; }
li { margin-bottom: 0.5em; }
.disclaimer { border: 1px solid #777; padding: 0.5em 0.8em; font-size: 0.9em; }
.qr { display: flex; gap: 1em; align-items: center; margin-top: 1.5em; }
.teach-back { break-before: page; page-break-before: always; margin-top: 3em; }
.teach-back .lines { border-bottom: 1px solid #999; height: 2.2em; }
@media print { body { margin: 0; max-width: none; } }
"""


def render_html(h: Handout) -> bytes:
    """The handout as one self-contained HTML page (print it from a browser)."""

    def e(text: str) -> str:
        return html.escape(xml_safe(text), quote=True)

    def items(texts: Sequence[str]) -> str:
        return "<ul>" + "".join(f"<li>{e(t)}</li>" for t in texts) + "</ul>"

    out = [
        "<!DOCTYPE html>",
        f'<html lang="{e(h.language)}">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(h.title)}</title><style>{CSS}</style></head>",
        f'<body class="{"large" if h.large else "normal"}">',
        f"<h1>{e(h.title)}</h1>",
    ]
    if h.subtitle:
        out.append(f'<p class="subtitle">{e(h.subtitle)}</p>')
    if h.actions:
        out.append(
            f'<section class="red-flags" aria-label="{e(WORDS["actions_heading"])}">'
            f"<h2>{e(WORDS['actions_heading'])}</h2>{items(h.actions)}</section>"
        )
    for heading, facts in h.sections:
        out.append(f"<section><h2>{e(heading)}</h2>{items(facts)}</section>")
    if h.qr_url:
        import segno

        svg = segno.make(h.qr_url, error="m").svg_inline(scale=4, border=2)
        out.append(
            f'<div class="qr">{svg}<p><strong>{e(WORDS["qr_heading"])}</strong><br>'
            f'<a href="{e(h.qr_url)}">{e(h.qr_url)}</a></p></div>'
        )
    out.append(f"<section><h2>{e(WORDS['sources_heading'])}</h2>{items(h.sources)}</section>")
    out.append(f'<p class="disclaimer">{e(h.disclaimer)}</p>')
    if h.teach_back:
        out.append(f'<section class="teach-back"><h2>{e(WORDS["teach_heading"])}</h2>')
        out.append(f"<p>{e(WORDS['teach_intro'])}</p>")
        for question in h.teach_back:
            out.append(f"<p><strong>{e(question)}</strong></p>" + '<div class="lines"></div>' * 3)
        out.append("</section>")
    out.append("</body></html>")
    return ("\n".join(out) + "\n").encode("utf-8")


def write(banks: Sequence[Bank], out: Path, options: ExportOptions) -> str:
    """Write the handout of `banks` as PDF or HTML (by the name of `out`)."""
    h = build_handout(banks, options)
    if Path(out).suffix.lower() == ".html":
        data = render_html(h)
        kind = "HTML"
    else:
        data = render_pdf(h)
        kind = "PDF"
    write_atomically(out, data)
    facts = sum(len(f) for _, f in h.sections)
    return (
        f"{kind} handout, {plural(len(h.actions), 'warning sign')}, "
        f"{plural(facts, 'fact')} under {plural(len(h.sections), 'topic')}"
    )
