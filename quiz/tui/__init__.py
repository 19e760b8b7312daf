"""The terminal quiz app (Textual): the only part of the package that imports Textual.

`quiz.tui.app` holds the app, its factory and `run_app` (the entry point `quiz study`
calls); `screens/` has one screen per module; `widgets/` the small widgets they share.
The app drives the study session API (`quiz.engine.session`) and nothing else touches the
store.
"""
