"""The chapters' models: data, training runs, metrics and maths, apart from their pictures.

One module per chapter that needs one, named like the chapter (``chapters.training``
for book/07_training).  The knob figures (``nnlib.figures``), the exercise checks
(``nnlib.exercises``) and the notebooks all use these, so that a number in a
picture, in a checker and in the text comes from one place.  Nothing here imports
matplotlib or ipywidgets; results that cost time to compute are cached, and the
arrays a cache hands out are read-only.
"""


def frozen(*arrays):
    """Mark arrays read-only (they live in a cache shared by every caller); returns them."""
    for array in arrays:
        array.flags.writeable = False
    return arrays

