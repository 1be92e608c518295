"""Subcommands of the `mtqa` CLI. Each module exposes `add_parser(subparsers)` and `run(args)`."""

# Order is the order of `mtqa --help`.
COMMANDS = ("check", "batch", "eval", "rules", "doctor", "dashboard")
