"""patient-quiz: learn the facts about muscle twitching with a spaced-repetition quiz."""

__version__ = "0.1.0"
