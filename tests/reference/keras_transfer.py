"""Keras reference for the transfer lab's default runs: the same networks, data and steps.

Pretrains the CNN lab's network on the digits 0-4 of the bundled 12,000-image MNIST subset
(3 epochs, batch 32, Adam 1e-3), then for seeds 1-3 trains on the first N training images
of each digit 5-9 for 300 steps of batch min(32, 5N) with a new head (Dense 64 relu +
Dense 5 softmax) on the base's Flatten output, and scores the 5-9 images of the 2,000-image
test subset, in three modes: frozen base, from scratch, and "as in the snippet" (base
loaded, nothing frozen, Adam 1e-3). Prints each seed's accuracy and the mean per mode.

Usage: KERAS_BACKEND=jax python keras_transfer.py [N]   (reads www/data/*.gz; needs
keras>=3 and jax[cpu]; N defaults to 10).

Run here with Keras 3.15.1 on JAX 0.10.2 (CPU), N = 10: frozen 0.796, from scratch 0.650,
snippet 0.771 (means over seeds 1-3; the lab's CLI gives 0.773, 0.621 and 0.725). Which
images are labelled matters more than anything else: drawing the N per class at random
per seed instead of taking the first N gives frozen 0.863, scratch 0.799, snippet 0.856,
in Keras and in mlpad alike; the lab takes the first N so every seed sees the same images.
"""
import gzip
import os
import sys

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
from keras import layers  # noqa: E402

DATA = os.path.join(os.path.dirname(__file__), "../../www/data/")


def idx(name):
    raw = gzip.open(DATA + name).read()
    if raw[3] == 3:  # images
        return np.frombuffer(raw, np.uint8, offset=16).reshape(-1, 28, 28, 1).astype("float32") / 255.0
    return np.frombuffer(raw, np.uint8, offset=8)


x_train, y_train = idx("mnist-train-images-idx3-ubyte.gz"), idx("mnist-train-labels-idx1-ubyte.gz")
x_test, y_test = idx("mnist-test-images-idx3-ubyte.gz"), idx("mnist-test-labels-idx1-ubyte.gz")


def conv_base():
    return [
        layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(64, 3, activation="relu"), layers.Flatten(),
    ]


def pretrain(seed):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((28, 28, 1)), *conv_base(),
                              layers.Dense(64, activation="relu"), layers.Dense(5, activation="softmax")])
    model.compile(keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    seen = y_train < 5
    model.fit(x_train[seen], y_train[seen], batch_size=32, epochs=3, verbose=0)
    return model


def run(pretrained, mode, n, seed):
    keras.utils.set_random_seed(seed)
    picked = np.concatenate([np.where(y_train == c)[0][:n] for c in range(5, 10)])
    x, y = x_train[picked], y_train[picked] - 5
    base = conv_base()
    model = keras.Sequential([keras.Input((28, 28, 1)), *base,
                              layers.Dense(64, activation="relu"), layers.Dense(5, activation="softmax")])
    if mode != "scratch":
        for layer, source in zip(base, pretrained.layers[:6]):
            layer.set_weights(source.get_weights())
    if mode == "frozen":
        for layer in base:
            layer.trainable = False
    model.compile(keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    batch = min(32, len(x))
    epochs = int(np.ceil(300 / np.ceil(len(x) / batch)))
    model.fit(x, y, batch_size=batch, epochs=epochs, verbose=0)
    new = y_test >= 5
    return model.evaluate(x_test[new], y_test[new] - 5, verbose=0)[1]


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    base = pretrain(1)
    for mode in ["frozen", "scratch", "snippet"]:
        accs = [run(base, mode, n, seed) for seed in (1, 2, 3)]
        print(n, mode, np.round(accs, 3), round(float(np.mean(accs)), 3), flush=True)
