"""One module per `quiz` subcommand, each with `run(args) -> int`. Imported lazily by cli."""
