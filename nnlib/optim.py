"""Optimizers: turn gradients into parameter updates."""
import numbers

import numpy as np

from ._validate import positive_number


def _check_model(model):
    """model: anything with parameters() and gradients() lists of matching arrays.

    Returns (params, grads) after checking that every parameter is a writeable float
    array that an update can change in place, and every gradient a real array of the
    same shape, so that an update never fails halfway.
    """
    if not (callable(getattr(model, "parameters", None))
            and callable(getattr(model, "gradients", None))):
        raise TypeError(f"model must have parameters() and gradients() methods "
                        f"(e.g. a Sequential or Dense), got {type(model).__name__}")
    params, grads = _array_list(model.parameters(), "parameters"), \
        _array_list(model.gradients(), "gradients")
    shapes = [p.shape for p in params]
    if shapes != [g.shape for g in grads]:
        raise ValueError(f"model.gradients() must match model.parameters() one to one; "
                         f"got parameter shapes {shapes} and gradient shapes "
                         f"{[g.shape for g in grads]}")
    for i, (p, g) in enumerate(zip(params, grads)):
        if p.dtype.kind != "f":
            raise TypeError(f"parameter {i} of the model holds {p.dtype} numbers; parameters "
                            f"must be float arrays (e.g. W.astype(float)) so that SGD can "
                            f"update them in place")
        if not p.flags.writeable:
            raise ValueError(f"parameter {i} of the model is read-only; SGD updates it in place")
        if g.dtype.kind not in "biuf":
            raise TypeError(f"gradient {i} of the model holds {g.dtype} values; expected "
                            f"real numbers")
    return params, grads


def _array_list(arrays, method):
    """arrays: what model.parameters() or model.gradients() returned -> list of ndarrays."""
    if isinstance(arrays, np.ndarray) or not isinstance(arrays, (list, tuple)):
        raise TypeError(f"model.{method}() must return a list of numpy arrays, "
                        f"got {type(arrays).__name__}")
    for i, a in enumerate(arrays):
        if not isinstance(a, np.ndarray):
            raise TypeError(f"model.{method}() must return a list of numpy arrays, "
                            f"but item {i} is {type(a).__name__}")
    return list(arrays)


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
        params, _ = _check_model(model)
        self.model = model
        self.lr = positive_number(lr, "lr")
        self.momentum = _check_momentum(momentum)
        self.velocities = [np.zeros_like(p) for p in params]

    def step(self):
        """Update every parameter p with its gradient g, in place.

        Plain:          p <- p - lr * g
        With momentum:  v <- momentum * v - lr * g;   p <- p + v   (v starts at 0)

        Every parameter and gradient is checked before the first one changes, so a
        bad one (an integer parameter, say) leaves the whole model as it was.
        """
        params, _ = _check_model(self.model)
        if [p.shape for p in params] != [v.shape for v in self.velocities]:
            raise ValueError(f"the model's parameters changed shape since this SGD was made "
                             f"({[v.shape for v in self.velocities]} then, "
                             f"{[p.shape for p in params]} now); make a new SGD for it")
        self._step()

    def _step(self):
        """step() without the checks: train.fit checks once, before the first update."""
        self._update(self.model.parameters(), self.model.gradients())

    def _update(self, params, grads):
        """The update itself, on given lists of the model's parameters and gradients."""
        lr = self.lr
        if self.momentum:
            for p, g, v in zip(params, grads, self.velocities):
                v *= self.momentum
                v -= lr * g
                p += v
        else:
            for p, g in zip(params, grads):
                p -= lr * g

    def zero_grad(self):
        """Set every gradient of the model to 0."""
        for g in self.model.gradients():
            g.fill(0.0)

    def __repr__(self):
        return f"SGD(lr={self.lr:g}, momentum={self.momentum:g})"
