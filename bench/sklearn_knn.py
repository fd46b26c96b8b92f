"""scikit-learn side of the KNN benchmark (workload ``knn_predict_2000x8000``).

Usage (from anywhere):  python3 bench/sklearn_knn.py [N]     (N timed repeats, default 5)

Data: the same images mlpad's KNN lab and bench read, i.e. the first 10,000 images of the
original MNIST training file, taken from the bundled ``www/data/mnist-train-*.gz`` (its
first 12,000 records, checked against ``www/data/manifest.json``). Pixels are
``float32(p) / 255``. The split is plain slicing, no shuffle: rows 0..8000 are the
training set and rows 8000..10000 the test set.

Model: ``KNeighborsClassifier(n_neighbors=3, algorithm="brute")`` (default metric, i.e.
Euclidean; uniform weights). Only ``predict`` on the 2,000 test rows is timed: one
warm-up call, then N timed calls.

Output: one JSON line per row on stdout, in the shape ``cargo xtask bench`` prints,
``{"workload", "runtime", "median", "min", "max", "unit": "queries/s", "samples"}`` with
queries/s = 2000 / seconds (higher is better):

* ``scikit-learn X (1 thread)``: OMP_NUM_THREADS=1 (and the BLAS thread variables) set
  before numpy/scikit-learn are imported, the same single thread mlpad uses;
* ``scikit-learn X (default threads: T)``: the same with the machine's defaults.

Each row runs in its own child process so the thread setting is fixed before import.
The test accuracy goes to stderr (it must equal mlpad's on the same split). Exit 3 (one
line on stderr) when numpy or scikit-learn is missing.
"""
import importlib.util
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(os.path.dirname(HERE), "www", "data")
WORKLOAD = "knn_predict_2000x8000"
N_TRAIN, N_TEST, N_NEIGHBORS = 8000, 2000, 3
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def missing():
    """The first of numpy / scikit-learn that is not installed, else None."""
    for mod, name in (("numpy", "numpy"), ("sklearn", "scikit-learn")):
        if importlib.util.find_spec(mod) is None:
            return name
    return None


def load_mnist(n):
    """First n training images (n × 784 uint8) and labels from the bundled subset."""
    import gzip
    import hashlib

    import numpy as np

    with open(os.path.join(DATA, "manifest.json")) as f:
        manifest = json.load(f)["datasets"]["mnist"]
    out = {}
    for key, magic, header in (("train_images", 2051, 16), ("train_labels", 2049, 8)):
        entry = manifest[key]
        with gzip.open(os.path.join(DATA, entry["file"]), "rb") as f:
            raw = f.read()
        if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
            sys.exit(f"sklearn_knn: {entry['file']} does not match manifest.json")
        dims = np.frombuffer(raw[: header], dtype=">u4")
        if dims[0] != magic or dims[1] < n:
            sys.exit(f"sklearn_knn: {entry['file']}: bad IDX header or fewer than {n} records")
        out[key] = np.frombuffer(raw, dtype=np.uint8, offset=header)
    images = out["train_images"][: n * 784].reshape(n, 784)
    labels = out["train_labels"][:n].astype(np.int64)
    return images, labels


def child(threads, repeats):
    """Times predict in this process (thread variables already set by the parent)."""
    try:
        import statistics
        import time

        import numpy as np
        import sklearn
        from sklearn.neighbors import KNeighborsClassifier
    except ImportError as e:
        print(f"sklearn_knn: needs numpy and scikit-learn ({e})", file=sys.stderr)
        sys.exit(3)

    images, labels = load_mnist(N_TRAIN + N_TEST)
    x = images.astype(np.float32) / np.float32(255.0)
    x_tr, y_tr = x[:N_TRAIN], labels[:N_TRAIN]
    x_te, y_te = x[N_TRAIN:], labels[N_TRAIN:]
    model = KNeighborsClassifier(n_neighbors=N_NEIGHBORS, algorithm="brute").fit(x_tr, y_tr)

    pred = model.predict(x_te)  # warm-up
    rates = []
    for _ in range(repeats):
        t = time.perf_counter()
        pred = model.predict(x_te)
        rates.append(N_TEST / (time.perf_counter() - t))

    if threads == "1":
        label = "1 thread"
    else:
        label = f"default threads: {default_threads()}"
    runtime = f"scikit-learn {sklearn.__version__} ({label})"
    accuracy = float(np.mean(pred == y_te))
    print(
        f"sklearn_knn: {runtime}: accuracy {accuracy:.4f} "
        f"({int(np.sum(pred == y_te))}/{N_TEST}, train rows 0..{N_TRAIN}, "
        f"test rows {N_TRAIN}..{N_TRAIN + N_TEST}, k={N_NEIGHBORS})",
        file=sys.stderr,
    )
    print(
        json.dumps(
            {
                "workload": WORKLOAD,
                "runtime": runtime,
                "median": statistics.median(rates),
                "min": min(rates),
                "max": max(rates),
                "unit": "queries/s",
                "samples": repeats,
            },
            separators=(",", ":"),
        ),
        flush=True,
    )


def default_threads():
    """The OpenMP thread count scikit-learn's brute-force KNN uses by default."""
    try:
        from sklearn.utils._openmp_helpers import _openmp_effective_n_threads

        return _openmp_effective_n_threads()
    except ImportError:
        return os.cpu_count()


def main():
    args = sys.argv[1:]
    if args[:1] == ["--child"]:
        child(args[1], int(args[2]))
        return
    if len(args) > 1 or (args and not args[0].isdigit()) or (args and int(args[0]) < 1):
        print("usage: python3 bench/sklearn_knn.py [N >= 1]", file=sys.stderr)
        sys.exit(2)
    repeats = int(args[0]) if args else 5
    name = missing()
    if name is not None:
        print(f"sklearn_knn: needs numpy and scikit-learn; {name} is not installed", file=sys.stderr)
        sys.exit(3)
    for threads in ("1", "default"):
        env = {k: v for k, v in os.environ.items() if k not in THREAD_VARS}
        if threads == "1":
            env.update({k: "1" for k in THREAD_VARS})
        code = subprocess.call(
            [sys.executable, os.path.abspath(__file__), "--child", threads, str(repeats)],
            env=env,
        )
        if code != 0:
            sys.exit(code)


if __name__ == "__main__":
    main()
