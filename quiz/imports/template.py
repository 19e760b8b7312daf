"""The example bank of `quiz import --template`: one question of each type, as an instructor
would write them, in the spreadsheet layout."""

from __future__ import annotations

from quiz.bank.model import Bank

TEMPLATE_YAML = """\
id: my-bank
title: Muscle twitches, the basics
description: What a twitch is, what brings it on, and the one sign to act on.
language: en
version: 1
sources:
  - id: leaflet
    title: Muscle twitches (patient leaflet)
    publisher: A neurology clinic
    date: "2024-05-01"
    url: https://example.org/twitches
questions:
  - id: twitch-what
    type: single
    prompt: What is a muscle twitch?
    explanation: A twitch is a small movement of a few muscle fibres. It is not painful.
    source: {id: leaflet, section: "What is a twitch?"}
    topics: [basics]
    options:
      - text: A small flicker in a muscle
        correct: true
        why: A few fibres tighten for a moment.
      - text: A long, painful tightening
        why: That is a cramp, not a twitch.
      - text: A sudden loss of strength
        why: That is weakness. It is a different thing.
  - id: triggers
    type: multi
    prompt: Which of these can bring on twitches?
    explanation: Caffeine and stress are common triggers. Reading is not one.
    source: {id: leaflet, section: Triggers}
    topics: [triggers]
    options:
      - {text: Coffee, correct: true, why: Caffeine is a common trigger.}
      - {text: Stress, correct: true, why: Stress is a common trigger.}
      - {text: Reading, why: Reading does not cause twitches.}
  - id: twitch-common
    type: true_false
    prompt: Many healthy people get muscle twitches.
    answer: true
    explanation: Twitches are common in healthy people. Most come and go on their own.
    source: {id: leaflet, section: "How common are twitches?"}
    topics: [basics]
  - id: weakness-sign
    type: flashcard
    prompt: Which sign matters more than twitching?
    back: Weakness that gets worse over weeks.
    explanation: >-
      Weakness that keeps getting worse is the sign to act on. Twitching alone rarely
      means ALS.
    source: {id: leaflet, section: When to see a doctor}
    topics: [red-flags]
    red_flag: true
    action: See your doctor if a muscle gets weaker over a few weeks.
  - id: cramp-gap
    type: cloze
    prompt: A cramp is a sudden {{c1::painful::how it feels}} tightening of a muscle.
    alternatives:
      c1: [sore]
    explanation: Cramps hurt. Twitches usually do not.
    source: {id: leaflet, section: Cramps}
    topics: [cramps]
  - id: test-name
    type: typed
    prompt: Which test records the electrical activity of a muscle?
    answers: [EMG, electromyography]
    explanation: The test is called an EMG. A thin needle picks up the signals of a muscle.
    source: {id: leaflet, section: Tests}
    topics: [tests]
"""


def template_bank() -> Bank:
    """The example bank, loaded (and so checked) like any other."""
    from quiz.bank.load import load_bank_bytes

    return load_bank_bytes(TEMPLATE_YAML.encode("utf-8"), "<template>")
