"""Records the golden-link table: what `mlpad run` prints for a fixed set of links.

The table (tests/golden/links.json) was made with the CLI built from commit 7456a37, the
last commit before the labs moved to one protocol, so it holds the results every later
build must keep bit for bit. tests/golden_links.rs (native) and
tests/e2e/golden_wasm.test.mjs (the wasm build under Node) replay it.

Usage: python3 tests/golden/record.py PATH/TO/mlpad > tests/golden/links.json

Only numbers that do not depend on timing are kept: every epoch line and the summary,
without seconds and rates.
"""
import json
import subprocess
import sys

LINKS = [
    # cnn: the default link (its weights hash is quoted in the docs), and a short
    # Fashion-MNIST run with a larger learning rate.
    "#lab=cnn&seed=42&epochs=1&batch_size=32&learning_rate=0.001&train_size=12000",
    "#lab=cnn&seed=7&epochs=2&batch_size=50&learning_rate=0.002&train_size=600&dataset=fashion_mnist",
    # gradients: a vanishing setting, a fixed one with Adam + batch norm + clipnorm, and
    # one that diverges (its message is part of the result).
    "#lab=gradients&seed=3&depth=6&width=24&activation=sigmoid&kernel_initializer=random_normal&init_stddev=0.05&epochs=1&train_size=2000",
    "#lab=gradients&seed=9&optimizer=adam&learning_rate=0.01&batch_norm=on&clipnorm=1&epochs=2&train_size=1000&activation=tanh&kernel_initializer=glorot_normal",
    "#lab=gradients&seed=1&learning_rate=10&kernel_initializer=random_normal&init_stddev=1&depth=10&train_size=500",
    # regularization: all four variants the page compares.
    "#lab=regularization&seed=4&variant=none&epochs=3&train_size=500",
    "#lab=regularization&seed=4&variant=l1&epochs=3&train_size=500",
    "#lab=regularization&seed=4&variant=l2&epochs=3&train_size=500&l2=0.01",
    "#lab=regularization&seed=4&variant=l1_l2&epochs=3&train_size=500&units=32&dataset=fashion_mnist",
    # augmentation: with and without, flips and another fill mode.
    "#lab=augmentation&seed=5&augment=on&epochs=2&train_size=300&horizontal_flip=on&fill_mode=reflect&shear_range=10",
    "#lab=augmentation&seed=5&augment=off&epochs=2&train_size=300",
    # metrics: typed lists.
    "#lab=metrics",
    "#lab=metrics&y_true=0,1,2,2,1,0&y_pred=0,2,2,1,1,1&average=macro&zero_division=1",
    "#lab=metrics&y_true=1,1,0,0,1&y_pred=1,0,0,0,0&y_score=0.9,0.4,0.35,0.8,0.1&average=weighted",
    "#lab=metrics&y_true=0,0,1&y_pred=0,0,0",
    # metrics evaluating a model (these open the evaluate lab after the split).
    "#lab=metrics&model=knn&train_size=1000&positive_class=3&threshold=0.5",
    "#lab=metrics&model=knn&train_size=800&weights=distance&n_neighbors=7&dataset=fashion_mnist&positive_class=6&threshold=0.3&zero_division=0",
    "#lab=metrics&model=cnn&train_size=300&batch_size=50&seed=3&positive_class=2&threshold=0.4",
    # knn
    "#lab=knn&n_samples=2000&n_neighbors=5",
    "#lab=knn&n_samples=1500&metric=manhattan&weights=distance&test_size=0.3&random_state=7&n_neighbors=4",
]

TIMING = {"seconds", "images_per_second", "train_seconds", "predict_seconds_per_image"}


def record(cli, link):
    out = subprocess.run([cli, "run", link], capture_output=True, text=True)
    lines = [json.loads(l) for l in out.stdout.splitlines() if l.strip()]
    entry = {"link": link}
    epochs = [{k: v for k, v in l.items() if k != "type"} for l in lines if l.get("type") == "epoch"]
    if epochs:
        entry["epochs"] = epochs
    summary = [l for l in lines if l.get("type") == "summary"]
    if summary:
        entry["summary"] = {k: v for k, v in summary[-1].items() if k not in TIMING and k != "type"}
    if out.returncode != 0:
        entry["error"] = out.stderr.strip().removeprefix("mlpad: ")
    return entry


if __name__ == "__main__":
    cli = sys.argv[1]
    table = [record(cli, link) for link in LINKS]
    json.dump({"recorded_with": "mlpad run, commit 7456a37", "links": table}, sys.stdout, indent=1)
    print()
