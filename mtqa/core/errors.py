"""Errors a user can act on. The CLI prints them on one line and exits with code 2."""


class MtqaError(Exception):
    """Base class: the message is shown to the user as is."""


class InputError(MtqaError):
    """An input file is missing, unreadable or malformed. The message names the file."""


class ConfigError(MtqaError):
    """A setting is invalid."""


class ModelError(MtqaError):
    """A model or backend cannot be found, fetched or loaded."""


class OutputError(MtqaError):
    """An output cannot be written where asked (or would overwrite an input). The message
    names the file."""


class MtqaWarning(UserWarning):
    """Something the user should know, though the run goes on; the CLI prints it on one line."""


class ConfigWarning(MtqaWarning):
    """A setting is probably not what was meant (an unknown key)."""
