"""Errors that carry one clear line for the user."""


class StorylineError(Exception):
    """Base class; ``str(err)`` is the one line shown to the user."""


class InputError(StorylineError):
    """An input that cannot be read as an article (missing, empty, binary, no article text)."""
