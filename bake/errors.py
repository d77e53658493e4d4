"""The one error of the baker."""


class BakeError(RuntimeError):
    """A figure that cannot be baked (an unsupported drawing feature, or no grid fits)."""
