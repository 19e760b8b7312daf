"""Imports of banks from other formats (spreadsheets). Never imports Textual."""
