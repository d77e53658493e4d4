"""Optimizers: turn gradients into parameter updates."""
import numbers

import numpy as np

from ._validate import positive_number


def _check_model(model):
    """model: anything with parameters() and gradients() lists of matching arrays."""
    if not (callable(getattr(model, "parameters", None))
            and callable(getattr(model, "gradients", None))):
        raise TypeError(f"model must have parameters() and gradients() methods "
                        f"(e.g. a Sequential or Dense), got {type(model).__name__}")
    params, grads = model.parameters(), model.gradients()
    shapes = [np.shape(p) for p in params]
    if shapes != [np.shape(g) for g in grads]:
        raise ValueError(f"model.gradients() must match model.parameters() one to one; "
                         f"got parameter shapes {shapes} and gradient shapes "
                         f"{[np.shape(g) for g in grads]}")
    return params


def _check_momentum(momentum):
    """momentum: a number in [0, 1)."""
    if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real):
        raise TypeError(f"momentum must be a number, got {type(momentum).__name__}")
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must be in [0, 1), got {momentum}")
    return float(momentum)


class SGD:
    """Stochastic gradient descent, optionally with momentum.

    model: has parameters() and gradients() (arrays updated in place).
    lr: learning rate > 0.  momentum: in [0, 1); 0 gives plain gradient descent.
    """

    def __init__(self, model, lr, momentum=0.0):
        params = _check_model(model)
        self.model = model
        self.lr = positive_number(lr, "lr")
        self.momentum = _check_momentum(momentum)
        self.velocities = [np.zeros_like(p) for p in params]

    def step(self):
        """Update every parameter p with its gradient g, in place.

        Plain:          p <- p - lr * g
        With momentum:  v <- momentum * v - lr * g;   p <- p + v   (v starts at 0)
        """
        pairs = zip(self.model.parameters(), self.model.gradients(), self.velocities)
        for p, g, v in pairs:
            if self.momentum:
                v *= self.momentum
                v -= self.lr * g
                p += v
            else:
                p -= self.lr * g

    def zero_grad(self):
        """Set every gradient of the model to 0."""
        for g in self.model.gradients():
            g.fill(0.0)

    def __repr__(self):
        return f"SGD(lr={self.lr:g}, momentum={self.momentum:g})"
