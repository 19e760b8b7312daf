"""The bank format: model, loader, linter and JSON Schema. Never imports Textual."""
