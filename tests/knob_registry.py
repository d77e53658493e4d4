"""Find every knob-figure factory in nnlib.figures (each module's __all__)."""
import importlib
import pkgutil

import nnlib.figures


def factories():
    """[(\"module.name\", factory), ...] for every figure the book can show."""
    found = []
    for info in pkgutil.iter_modules(nnlib.figures.__path__):
        module = importlib.import_module(f"nnlib.figures.{info.name}")
        found += [(f"{info.name}.{name}", getattr(module, name)) for name in module.__all__]
    return found
