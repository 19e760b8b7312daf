"""The study engine: FSRS scheduling, the SQLite review store, sessions and stats. No Textual."""
