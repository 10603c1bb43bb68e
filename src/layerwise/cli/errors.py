"""UsageError: a mistake in the command line or its inputs, printed as one line with exit code 2."""


class UsageError(Exception):
    """A mistake in the command line or its inputs: printed as one line, exit code 2."""


__all__ = ["UsageError"]
