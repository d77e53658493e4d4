"""The book's knob figures, one module per chapter, named after it.

``line`` (book/01_the_line), ``neuron``, ``activations``, ``layers``, ``loss``,
``gradient_descent``, ``training`` and ``beyond`` (book/08_beyond). Each module's
``__all__`` lists factories that take no required argument and return a
:class:`nnlib.knobs.KnobFigure`; the tests drive every one of them. The data,
training runs and maths a figure shows come from the chapter's model module in
``nnlib.chapters``. Import a chapter's figures by name, e.g.
``from nnlib.figures import line``.
"""
