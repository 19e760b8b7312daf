"""Exports of banks to other tools (Anki). Never imports Textual."""
