"""The book's knob figures, one module per chapter topic.

Each module's ``__all__`` lists factories that take no required argument and
return a :class:`nnlib.knobs.KnobFigure`; the tests drive every one of them.
Import a chapter's module by name, e.g. ``from nnlib.figures import line``.
"""
