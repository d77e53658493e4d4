"""Training speed, side by side: nnlib against PyTorch and scikit-learn.

The same small networks are trained by each framework on the same data, from
the same initial weights (nnlib's ``Sequential.mlp(seed=s)``, copied across),
with the same architecture, epochs, batch size and learning rate (plain SGD,
no momentum, no weight decay):

* digits: 8×8 images, 64 inputs → 64 ReLU → 10 softmax, batch 32, lr 0.1,
  30 epochs, on a 75/25 split of ``nnlib.datasets.digits()``;
* spiral: two classes, 2 → 16 ReLU → 16 ReLU → 1 logistic output, full batch,
  1000 steps, lr 0.5, on a 75/25 split of 400 points of ``nnlib.datasets.spirals``.

A fourth row, "numpy loop", is the same training written as one hand-fused
numpy loop: the floor that any numpy library stands on.

Every run happens in its own subprocess, so each framework's peak memory is its
own: the peak resident set size (RSS) of that process, read with os.wait4, which
counts the interpreter, the imported libraries and the data. Each process trains
``--repeats`` times (seeds 0, 1, ...) and the whole round is done ``--rounds``
times, frameworks interleaved, since the machine is noisy. We report medians of
wall-clock time, and the same runs in CPU time of the process, which a busy
machine disturbs less. Only the training is timed (data and model are made
before the clock starts).
All frameworks run on one thread: torch.set_num_threads(1), and the BLAS behind
numpy (used by nnlib, scikit-learn and the numpy loop) limited to one thread.
PyTorch runs in its default float32; the numpy-based frameworks in float64.

Needs the benchmark-only packages (see benchmarks/requirements.txt); from the
repository's root:

    python3.11 -m venv /tmp/bench
    /tmp/bench/bin/pip install -r requirements.txt -r benchmarks/requirements.txt
    /tmp/bench/bin/python benchmarks/train_speed.py [--rounds 5] [--repeats 5]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import warnings

CASES = {
    "digits": dict(sizes=[64, 64, 10], lr=0.1, epochs=30, batch_size=32),
    "spiral": dict(sizes=[2, 16, 16, 1], lr=0.5, epochs=1000, batch_size=None),
}
FRAMEWORKS = ["nnlib", "numpy loop", "PyTorch", "scikit-learn"]
ONE_THREAD = {name: "1" for name in
              ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


# ---------------------------------------------------------------- timing and shared data

class Clock:
    """Started on creation; stop() returns (wall-clock seconds, CPU seconds of this process)."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stop(self):
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def load(case):
    """Return X_train, X_test, y_train, y_test for a case (numpy arrays)."""
    from nnlib import datasets
    if case == "digits":
        X, y, _ = datasets.digits()
    else:
        X, y = datasets.spirals(n=400, classes=2, noise=0.2, turns=1.0, seed=0)
    return datasets.train_test_split(X, y, test_fraction=0.25, seed=0)


def initial_weights(case, seed):
    """nnlib's initial [(W, b), ...] for the case: every framework starts from these."""
    from nnlib.layers import Dense, Sequential
    net = Sequential.mlp(CASES[case]["sizes"], activation="relu", output_activation=None,
                         seed=seed)
    return [(layer.W.copy(), layer.b.copy()) for layer in net if isinstance(layer, Dense)]


# ---------------------------------------------------------------- the frameworks

def run_nnlib(case, data, weights, seed):
    """Returns ((wall, CPU) seconds, test accuracy)."""
    from nnlib.layers import Activation, Dense, Sequential
    from nnlib.metrics import accuracy
    from nnlib.train import fit
    settings = CASES[case]
    X_train, X_test, y_train, y_test = data
    layers = []
    for W, b in weights:
        layers += [Dense.from_weights(W, b), Activation("relu")]
    net = Sequential(layers[:-1])  # no activation after the last Dense: the loss has it
    loss = "softmax_cross_entropy" if case == "digits" else "binary_cross_entropy_with_logits"
    clock = Clock()
    history = fit(net, X_train, y_train, loss=loss, lr=settings["lr"], epochs=settings["epochs"],
                  batch_size=settings["batch_size"], seed=seed)
    seconds = clock.stop()
    assert not history.diverged, history.message
    return seconds, accuracy(net.forward(X_test), y_test, threshold=0.0)


def run_numpy_loop(case, data, weights, seed):
    """The same training as one hand-written numpy loop.  Returns (times, accuracy)."""
    import numpy as np
    settings = CASES[case]
    X_train, X_test, y_train, y_test = data
    params = [(W.copy(), b.copy()) for W, b in weights]
    n, lr = len(X_train), settings["lr"]
    batch = settings["batch_size"] or n
    rng = np.random.default_rng(seed)
    losses = []  # the mean training loss of each epoch, as every framework records
    clock = Clock()
    for _ in range(settings["epochs"]):
        order = rng.permutation(n) if batch < n else np.arange(n)
        total = 0.0
        for lo in range(0, n, batch):
            rows = order[lo:lo + batch]
            xb, yb = X_train[rows], y_train[rows]
            outs = [xb]
            for i, (W, b) in enumerate(params):
                z = outs[-1] @ W + b
                outs.append(np.maximum(z, 0.0) if i < len(params) - 1 else z)
            z = outs[-1]
            if case == "digits":
                shifted = z - z.max(axis=1, keepdims=True)
                e = np.exp(shifted)
                sums = e.sum(axis=1, keepdims=True)
                picked = np.arange(len(yb)), yb
                total += (np.log(sums[:, 0]) - shifted[picked]).sum()
                g = e / sums
                g[picked] -= 1.0
            else:
                t = yb[:, None]
                e = np.exp(-np.abs(z))
                total += (np.maximum(z, 0.0) - z * t + np.log1p(e)).sum()
                g = np.where(z >= 0, 1.0, e) / (1.0 + e) - t
            g /= len(yb)
            for i in range(len(params) - 1, -1, -1):
                W, b = params[i]
                dW, db = outs[i].T @ g, g.sum(axis=0)
                if i:
                    g = (g @ W.T) * (outs[i] > 0)
                W -= lr * dW
                b -= lr * db
        losses.append(total / n)
    seconds = clock.stop()
    assert np.isfinite(losses[-1])
    out = X_test
    for i, (W, b) in enumerate(params):
        out = out @ W + b
        out = np.maximum(out, 0.0) if i < len(params) - 1 else out
    predicted = out.argmax(axis=1) if case == "digits" else (out[:, 0] > 0).astype(int)
    return seconds, float(np.mean(predicted == y_test))


def run_torch(case, data, weights, seed):
    """PyTorch on the CPU with one thread, the usual training loop.  Returns (times, accuracy)."""
    import torch
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    settings = CASES[case]
    X_train, X_test, y_train, y_test = (torch.as_tensor(a) for a in data)
    X_train, X_test = X_train.float(), X_test.float()
    layers = []
    for W, b in weights:
        linear = torch.nn.Linear(*W.shape)
        with torch.no_grad():
            linear.weight.copy_(torch.as_tensor(W.T))
            linear.bias.copy_(torch.as_tensor(b))
        layers += [linear, torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    if case == "digits":
        loss_fn, targets = torch.nn.CrossEntropyLoss(), y_train.long()
    else:
        loss_fn, targets = torch.nn.BCEWithLogitsLoss(), y_train.float()[:, None]
    optimizer = torch.optim.SGD(model.parameters(), lr=settings["lr"])
    n = len(X_train)
    batch = settings["batch_size"] or n
    clock = Clock()
    for _ in range(settings["epochs"]):
        order = torch.randperm(n) if batch < n else torch.arange(n)
        for lo in range(0, n, batch):
            rows = order[lo:lo + batch]
            optimizer.zero_grad()
            loss = loss_fn(model(X_train[rows]), targets[rows])
            loss.backward()
            optimizer.step()
    seconds = clock.stop()
    with torch.no_grad():
        out = model(X_test)
    predicted = out.argmax(dim=1) if case == "digits" else (out[:, 0] > 0).long()
    return seconds, float((predicted == y_test).double().mean())


def run_sklearn(case, data, weights, seed):
    """scikit-learn's MLPClassifier with plain SGD.  Returns (times, accuracy)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    settings = CASES[case]
    X_train, X_test, y_train, y_test = data
    batch = settings["batch_size"] or len(X_train)
    clf = MLPClassifier(
        hidden_layer_sizes=tuple(settings["sizes"][1:-1]), activation="relu", solver="sgd",
        learning_rate="constant", learning_rate_init=settings["lr"], momentum=0.0,
        nesterovs_momentum=False, alpha=0.0, batch_size=batch, max_iter=settings["epochs"],
        shuffle=True, n_iter_no_change=settings["epochs"], tol=0.0, random_state=seed)
    # Start from nnlib's weights: MLPClassifier asks _init_coef for each layer in turn.
    given = iter([(W.copy(), b.copy()) for W, b in weights])
    clf._init_coef = lambda fan_in, fan_out, dtype: next(given)
    clock = Clock()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # we ask for exactly max_iter epochs
        clf.fit(X_train, y_train)
    seconds = clock.stop()
    assert clf.n_iter_ == settings["epochs"]
    return seconds, float(clf.score(X_test, y_test))


RUNNERS = {"nnlib": run_nnlib, "numpy loop": run_numpy_loop, "PyTorch": run_torch,
           "scikit-learn": run_sklearn}


# ---------------------------------------------------------------- worker and driver

def worker(case, framework, repeats):
    """Train `repeats` times (seeds 0..repeats-1); print one JSON line of results."""
    data = load(case)
    runs = [RUNNERS[framework](case, data, initial_weights(case, seed), seed)
            for seed in range(repeats)]
    print(json.dumps({"seconds": [t[0] for t, _ in runs], "cpu": [t[1] for t, _ in runs],
                      "accuracy": [a for _, a in runs]}))


def measure(case, framework, repeats):
    """Run one worker process; returns (results, peak RSS in MB) of that process."""
    env = dict(os.environ, **ONE_THREAD)
    command = [sys.executable, __file__, "--worker", case, framework, "--repeats", str(repeats)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, env=env, text=True) as process:
        output = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{framework} on {case} failed (exit code {process.returncode})")
    return json.loads(output.strip().splitlines()[-1]), usage.ru_maxrss / 1024  # KiB -> MiB


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of all frameworks")
    parser.add_argument("--repeats", type=int, default=5, help="trainings per process")
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    parser.add_argument("--frameworks", nargs="+", default=FRAMEWORKS, choices=FRAMEWORKS,
                        help="e.g. --frameworks nnlib 'numpy loop' (no PyTorch or scikit-learn needed)")
    parser.add_argument("--worker", nargs=2, metavar=("CASE", "FRAMEWORK"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(*args.worker, args.repeats)
    rows = []
    frameworks = [fw for fw in FRAMEWORKS if fw in args.frameworks]
    if "nnlib" not in frameworks:
        parser.error("--frameworks must include nnlib (every ratio is against it)")
    for case in args.cases:
        seconds = {fw: [] for fw in frameworks}
        cpu = {fw: [] for fw in frameworks}
        accuracy = {fw: [] for fw in frameworks}
        memory = {fw: 0.0 for fw in frameworks}
        for r in range(args.rounds):
            for framework in frameworks[r % len(frameworks):] + frameworks[:r % len(frameworks)]:
                result, peak = measure(case, framework, args.repeats)
                seconds[framework] += result["seconds"]
                cpu[framework] += result["cpu"]
                accuracy[framework] = result["accuracy"]  # the same seeds every round
                memory[framework] = max(memory[framework], peak)
                print(f"  {case:7} {framework:13} round {r + 1}: "
                      + " ".join(f"{s:.3f}s" for s in result["seconds"]), file=sys.stderr)
        base = statistics.median(seconds["nnlib"])
        cpu_base = statistics.median(cpu["nnlib"])
        for framework in frameworks:
            median = statistics.median(seconds[framework])
            cpu_median = statistics.median(cpu[framework])
            rows.append((case, framework, median, median / base, cpu_median, cpu_median / cpu_base,
                         statistics.mean(accuracy[framework]), memory[framework]))
    print_tables(rows, args)


def print_tables(rows, args):
    """Markdown tables of the medians: wall-clock time, then CPU time."""
    print(f"\nMedian of {args.rounds * args.repeats} trainings per row; accuracy is the mean over "
          f"seeds 0..{args.repeats - 1} on the held-out 25%; peak memory is the peak RSS of "
          f"the framework's process.\n")
    print("| case | framework | median time | ratio vs nnlib | held-out accuracy | peak memory |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for case, framework, median, ratio, _, _, acc, peak in rows:
        print(f"| {case} | {framework} | {median * 1000:.0f} ms | {ratio:.2f}× | "
              f"{acc * 100:.1f}% | {peak:.0f} MB |")
    print("\nThe same runs in CPU time of the process (less sensitive to a busy machine):\n")
    print("| case | framework | median CPU time | ratio vs nnlib |")
    print("| --- | --- | ---: | ---: |")
    for case, framework, _, _, cpu_median, cpu_ratio, _, _ in rows:
        print(f"| {case} | {framework} | {cpu_median * 1000:.0f} ms | {cpu_ratio:.2f}× |")


if __name__ == "__main__":
    main()
