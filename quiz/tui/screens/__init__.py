"""The app's screens, one per module: disclaimer, home, question, feedback, summary, stats,
help. Screens render and collect keys; the app (`quiz.tui.app`) runs the study session."""
