"""The web front end (`quiz serve`): the study session as server-rendered pages.

A third front end over the same engine as the terminal app and plain mode: it drives
`quiz.engine.session.StudySession`, takes its words from `quiz.wording`, and only lays them
out as HTML. Every page works without JavaScript (plain forms and links); a small script adds
keyboard shortcuts. This package is the only place that imports the web framework; it
imports neither Textual nor the command-line modules (`tests/unit/test_web_imports.py`).

Modules: `accounts` (the accounts file and argon2 passwords), `auth` (login sessions, the
one-time link, rate limits), `security` (headers, CSRF, body cap, forms), `learners` (each
learner's store and live session), `pages` (what each page shows), `app` (the routes),
`server` (uvicorn).
"""
