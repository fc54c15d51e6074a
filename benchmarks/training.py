"""Train the same MLP on the digits data in dlcore, PyTorch (CPU) and scikit-learn.

Run: ``python benchmarks/training.py`` (``--help`` for options). Each framework runs in its
own subprocess, so that one's thread pool or memory does not disturb another's numbers and
so that ``resource.getrusage(...).ru_maxrss`` is that framework's own peak. See README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

SIZES = (64, 128, 64, 10)
CORES = os.cpu_count() or 1
TORCH_THREADS = sorted({1, min(2, CORES)})  # PyTorch's CPU settings compared with dlcore
TARGET = 0.4  # dlcore's time per epoch, at most this times PyTorch's best CPU setting


def split(seed: int, test_fraction: float) -> tuple[np.ndarray, ...]:
    """The digits data split by a seeded permutation: (X_train, y_train, X_test, y_test)."""
    import dlcore as dl

    X, y = dl.datasets.load_digits()
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = int(round(test_fraction * len(X)))
    test, train = order[:n_test], order[n_test:]
    return X[train], y[train], X[test], y[test]


def initial_model(seed: int):
    import dlcore as dl

    return dl.MLP(list(SIZES), hidden="relu", output="softmax", init="he", seed=seed)


def rss_now_kib() -> int:
    """Current resident set size in KiB (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") // 1024
    except OSError:
        return 0


# --- one framework per subprocess ------------------------------------------------------


def run_dlcore(args: argparse.Namespace, data: tuple[np.ndarray, ...]) -> dict:
    import dlcore as dl

    X_train, y_train, X_test, y_test = data
    times, cpu_times, model = [], [], None
    for _ in range(args.repeat):
        model = initial_model(args.seed)
        start, cpu = time.perf_counter(), time.process_time()
        model.fit(
            X_train,
            y_train,
            loss="cross_entropy",
            optimizer=dl.SGD(lr=args.lr, momentum=0.9),
            epochs=args.epochs,
            batch_size=args.batch_size,
            seed=args.seed,
        )
        times.append((time.perf_counter() - start) / args.epochs)
        cpu_times.append((time.process_time() - cpu) / args.epochs)
    accuracy = float(np.mean(model.predict(X_test).argmax(axis=1) == y_test))
    return {
        "time_per_epoch": min(times),
        "cpu_per_epoch": min(cpu_times),
        "accuracy": accuracy,
        "last_epoch_loss": model.history_.loss[-1],
    }


def run_numpy(args: argparse.Namespace, data: tuple[np.ndarray, ...]) -> dict:
    """The same training written out as straight-line numpy: no layers, no checks, no
    history, one BLAS thread like dlcore's fit. What numpy itself costs at these shapes,
    the floor any numpy library (dlcore among them) can reach."""
    from threadpoolctl import threadpool_limits

    X_train, y_train, X_test, y_test = data
    Y = np.eye(SIZES[-1])[y_train.astype(int)]
    times, cpu_times = [], []
    for _ in range(args.repeat):
        layers = initial_model(args.seed).layers
        W = [dense.W.copy() for dense in layers]
        b = [dense.b.copy() for dense in layers]
        velocity = [np.zeros_like(p) for p in W + b]
        rng = np.random.default_rng(args.seed)  # the same batches as dlcore's fit
        start, cpu = time.perf_counter(), time.process_time()
        with threadpool_limits(limits=1, user_api="blas"):
            for _ in range(args.epochs):
                order, total = rng.permutation(len(X_train)), 0.0
                for begin in range(0, len(order), args.batch_size):
                    rows = order[begin : begin + args.batch_size]
                    A, Yb = [X_train[rows]], Y[rows]
                    Z = []  # forward: Z = A W + b, A = ReLU(Z); softmax on the last Z
                    for i in range(len(W)):
                        Z.append(A[-1] @ W[i] + b[i])
                        if i < len(W) - 1:
                            A.append(np.maximum(Z[-1], 0.0))
                    m = Z[-1].max(axis=1, keepdims=True)
                    e = np.exp(Z[-1] - m)
                    s = e.sum(axis=1, keepdims=True)
                    total += float(np.sum(Yb * (m + np.log(s) - Z[-1])))  # cross-entropy
                    dZ = (e / s - Yb) / len(rows)
                    grads_W, grads_b = [None] * len(W), [None] * len(W)
                    for i in range(len(W) - 1, -1, -1):  # backward
                        grads_W[i], grads_b[i] = A[i].T @ dZ, dZ.sum(axis=0)
                        if i > 0:
                            dZ = np.where(Z[i - 1] > 0, dZ @ W[i].T, 0.0)
                    for p, g, v in zip(W + b, grads_W + grads_b, velocity, strict=True):
                        v *= 0.9  # SGD with momentum 0.9
                        v -= args.lr * g
                        p += v
        times.append((time.perf_counter() - start) / args.epochs)
        cpu_times.append((time.process_time() - cpu) / args.epochs)
    A = X_test
    for i in range(len(W)):
        A = A @ W[i] + b[i]
        A = np.maximum(A, 0.0) if i < len(W) - 1 else A
    accuracy = float(np.mean(A.argmax(axis=1) == y_test))
    return {
        "time_per_epoch": min(times),
        "cpu_per_epoch": min(cpu_times),
        "accuracy": accuracy,
        "last_epoch_loss": total / len(X_train),
    }


def run_torch(
    args: argparse.Namespace, data: tuple[np.ndarray, ...], dtype_name: str, threads: int
) -> dict:
    import torch

    torch.set_num_threads(threads)
    dtype = getattr(torch, dtype_name)
    X_train, y_train, X_test, y_test = data
    Xt = torch.tensor(X_train, dtype=dtype)
    yt = torch.tensor(y_train, dtype=torch.long)
    times, cpu_times, net = [], [], None
    for _ in range(args.repeat):
        layers = []
        for i, dense in enumerate(initial_model(args.seed).layers):  # dlcore's initial weights
            linear = torch.nn.Linear(dense.n_in, dense.n_out, dtype=dtype)
            with torch.no_grad():
                linear.weight.copy_(torch.tensor(dense.W.T))
                linear.bias.copy_(torch.tensor(dense.b))
            layers.append(linear)
            if i < len(SIZES) - 2:
                layers.append(torch.nn.ReLU())
        net = torch.nn.Sequential(*layers)
        optimizer = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=0.9)
        loss_fn = torch.nn.CrossEntropyLoss()  # log-softmax + NLL: softmax output + CE
        rng = np.random.default_rng(args.seed)  # the same batches as dlcore's fit
        n = len(Xt)
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.epochs):
            order = torch.from_numpy(rng.permutation(n))
            total = 0.0
            for begin in range(0, n, args.batch_size):
                rows = order[begin : begin + args.batch_size]
                optimizer.zero_grad()
                loss = loss_fn(net(Xt[rows]), yt[rows])
                loss.backward()
                optimizer.step()
                total += loss.item() * len(rows)  # dlcore's fit also records the epoch loss
        times.append((time.perf_counter() - start) / args.epochs)
        cpu_times.append((time.process_time() - cpu) / args.epochs)
    with torch.no_grad():
        pred = net(torch.tensor(X_test, dtype=dtype)).argmax(dim=1).numpy()
    accuracy = float(np.mean(pred == y_test))
    return {"time_per_epoch": min(times), "cpu_per_epoch": min(cpu_times), "accuracy": accuracy}


def run_sklearn(args: argparse.Namespace, data: tuple[np.ndarray, ...]) -> dict:
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X_train, y_train, X_test, y_test = data
    times, cpu_times, clf = [], [], None
    for _ in range(args.repeat):
        clf = MLPClassifier(
            hidden_layer_sizes=SIZES[1:-1],
            activation="relu",
            solver="sgd",
            learning_rate_init=args.lr,
            momentum=0.9,
            nesterovs_momentum=False,
            batch_size=args.batch_size,
            max_iter=args.epochs,
            alpha=0.0,  # no L2 penalty, like the others
            shuffle=True,
            random_state=args.seed,
            tol=0.0,
            n_iter_no_change=args.epochs + 1,  # always run every epoch
        )
        start, cpu = time.perf_counter(), time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X_train, y_train)
        times.append((time.perf_counter() - start) / clf.n_iter_)
        cpu_times.append((time.process_time() - cpu) / clf.n_iter_)
    accuracy = float(clf.score(X_test, y_test))
    return {"time_per_epoch": min(times), "cpu_per_epoch": min(cpu_times), "accuracy": accuracy}


def matmul_gflops(shape: tuple[int, int, int], seconds: float = 0.3) -> float:
    """Raw float64 ``A @ B`` throughput for A (m, k), B (k, n), in GFLOP/s."""
    m, k, n = shape
    rng = np.random.default_rng(0)
    A, B = rng.random((m, k)), rng.random((k, n))
    A @ B
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        A @ B
        count += 1
    return 2.0 * m * k * n * count / elapsed / 1e9


def run_matmul(args: argparse.Namespace) -> dict:
    b = args.batch_size
    layer_shapes = [(b, n_in, n_out) for n_in, n_out in zip(SIZES[:-1], SIZES[1:], strict=True)]
    from threadpoolctl import threadpool_limits

    flops = sum(2 * m * k * n for m, k, n in layer_shapes)
    with threadpool_limits(limits=1, user_api="blas"):
        seconds = sum(2 * m * k * n / (matmul_gflops((m, k, n)) * 1e9) for m, k, n in layer_shapes)
    large = matmul_gflops((1024, 1024, 1024), 1.0)
    return {"gflops_large": large, "gflops_layers": flops / seconds / 1e9}


def worker(args: argparse.Namespace) -> None:
    if args.worker == "matmul":
        result = run_matmul(args)
    else:
        data = split(args.seed, args.test_fraction)
        if args.worker.startswith("torch"):
            import torch  # noqa: F401  (imported before the baseline: its size is not training)
        rss_before = rss_now_kib()
        if args.worker == "dlcore":
            result = run_dlcore(args, data)
        elif args.worker == "numpy":
            result = run_numpy(args, data)
        elif args.worker.startswith("torch"):
            _, dtype, *threads = args.worker.split("-")
            result = run_torch(args, data, dtype, int(threads[0]) if threads else CORES)
        else:
            result = run_sklearn(args, data)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        result.update(peak_rss_mib=peak / 1024, train_rss_mib=(peak - rss_before) / 1024)
    print(json.dumps(result))


# --- the driver ------------------------------------------------------------------------


def spawn(args: argparse.Namespace, name: str, env: dict[str, str] | None = None) -> dict | None:
    cmd = [sys.executable, __file__, "--worker", name]
    for key in ("epochs", "batch_size", "lr", "seed", "repeat", "test_fraction"):
        cmd += [f"--{key.replace('_', '-')}", str(getattr(args, key))]
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    if proc.returncode != 0:
        print(f"{name}: failed\n{proc.stderr.strip()}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def have(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the best is kept")
    parser.add_argument("--test-fraction", type=float, default=0.2)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args)
        return

    runs = [("dlcore", "dlcore", None), ("numpy by hand (the floor)", "numpy", None)]
    if have("torch"):
        runs += [
            (f"PyTorch CPU float32, {t} thread{'s' * (t > 1)}", f"torch-float32-{t}", None)
            for t in TORCH_THREADS
        ]
        runs.append(("PyTorch CPU float64", "torch-float64", None))
    else:
        print("PyTorch is not installed: its rows are skipped (pip install torch)")
    runs.append(("scikit-learn MLPClassifier", "sklearn", None))

    print(
        f"digits, MLP {'-'.join(map(str, SIZES))} (ReLU, softmax + cross-entropy), "
        f"SGD lr={args.lr} momentum=0.9, batch {args.batch_size}, {args.epochs} epochs, "
        f"seeded split, test fraction {args.test_fraction} (seed {args.seed}); "
        f"best of {args.repeat} timed runs; {CORES} cores"
    )
    results = {label: spawn(args, name, env) for label, name, env in runs}
    base = results["dlcore"]["time_per_epoch"]
    header = (
        f"{'framework':<32} {'ms/epoch':>9} {'x dlcore':>9} {'CPU ms/epoch':>13} "
        f"{'test acc':>9} {'peak RSS MiB':>13} {'train RSS MiB':>14}"
    )
    print(header)
    print("-" * len(header))
    for label, r in results.items():
        if r is None:
            print(f"{label:<32} failed")
            continue
        print(
            f"{label:<32} {1000 * r['time_per_epoch']:>9.2f} {r['time_per_epoch'] / base:>9.2f} "
            f"{1000 * r['cpu_per_epoch']:>13.2f} {r['accuracy']:>9.4f} "
            f"{r['peak_rss_mib']:>13.1f} {r['train_rss_mib']:>14.1f}"
        )
    torch_runs = {
        label: r for label, r in results.items() if r and label.startswith("PyTorch CPU float32")
    }
    if torch_runs:
        best_label = min(torch_runs, key=lambda label: torch_runs[label]["time_per_epoch"])
        ratio = base / torch_runs[best_label]["time_per_epoch"]
        verdict = "meets" if ratio <= TARGET else "misses"
        print(
            f"\ndlcore / PyTorch's best CPU setting ({best_label}): {ratio:.2f}x its time per "
            f"epoch ({verdict} the target of at most {TARGET}x); test accuracy "
            f"{results['dlcore']['accuracy']:.4f} vs {torch_runs[best_label]['accuracy']:.4f}"
        )
        floor = results.get("numpy by hand (the floor)")
        if floor:
            best = torch_runs[best_label]["time_per_epoch"]
            print(
                f"numpy by hand: {floor['time_per_epoch'] / best:.2f}x PyTorch's time; dlcore "
                f"takes {base / floor['time_per_epoch']:.2f}x the floor's time (its layers, "
                "checks and history)"
            )

    mm = spawn(args, "matmul")
    n_train = int(round(1797 * (1 - args.test_fraction)))
    steps = -(-n_train // args.batch_size)
    weights = sum(a * b for a, b in zip(SIZES[:-1], SIZES[1:], strict=True))
    # forward 2*B*weights, backward dW 2*B*weights and dX 2*B*weights except the first
    # layer's (fit does not compute the gradient of the input)
    flops_epoch = 2 * n_train * (3 * weights - SIZES[0] * SIZES[1])
    achieved = flops_epoch / base / 1e9
    print()
    print(
        f"dlcore training: {steps / base:,.0f} steps/s, {n_train / base:,.0f} samples/s, "
        f"{achieved:.1f} GFLOP/s in its matrix products ({flops_epoch / 1e6:.1f} MFLOP/epoch)"
    )
    if mm:
        print(
            f"raw float64 matmul: {mm['gflops_layers']:.1f} GFLOP/s at this network's layer "
            f"shapes (batch {args.batch_size}, 1 BLAS thread like dlcore's fit), "
            f"{mm['gflops_large']:.1f} GFLOP/s at 1024x1024x1024 (all threads); dlcore reaches "
            f"{achieved / mm['gflops_layers']:.0%} and {achieved / mm['gflops_large']:.0%} of them"
        )


if __name__ == "__main__":
    main()
