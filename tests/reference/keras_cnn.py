"""Keras reference for the CNN lab's default run: the same model, data and settings.

Trains the classic Keras MNIST CNN for one epoch (batch 32, Adam defaults) on the first
12,000 MNIST training images and evaluates it on the first 2,000 test images, for seeds
1-10, on ONE thread, and prints each seed's test accuracy, then their mean and standard
deviation (ddof=1). Usage: python keras_cnn.py DIR, where DIR holds the original MNIST IDX
files (`cargo xtask data` keeps them in target/data/mnist/). Needs tensorflow-cpu (Keras 3).

Run with Keras 3.15 on TensorFlow 2.21, one intra-op and one inter-op thread (set below
before TensorFlow starts): mean test accuracy 0.947, standard deviation 0.010 over seeds
1-10. tests/cnn_lab.rs compares mlpad's mean over the same seeds (0.9467) with this.

The three numbers this file used to quote (0.9385, 0.9535, 0.9435 for seeds 1-3) came from
a two-thread run. The thread count changes TensorFlow's arithmetic (its kernels split sums
across threads, so floats are added in another order), hence the weights and accuracies of
every seed: compare runs made with the same thread count only.
"""
import os, sys

# Before TensorFlow is imported: its thread pools and oneDNN read these at start-up.
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["TF_NUM_INTRAOP_THREADS"] = "1"
os.environ["TF_NUM_INTEROP_THREADS"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"
import numpy as np
import tensorflow as tf

# Must run before any TensorFlow op executes (it raises afterwards).
tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)
import keras
from keras import layers

d = (sys.argv[1] if len(sys.argv) > 1 else "target/data/mnist").rstrip("/") + "/"


def imgs(f, n):
    raw = open(d + f, "rb").read()[16 : 16 + n * 784]
    return np.frombuffer(raw, dtype=np.uint8).reshape(n, 28, 28, 1).astype("float32") / 255.0


def labs(f, n):
    return np.frombuffer(open(d + f, "rb").read()[8 : 8 + n], dtype=np.uint8)


xt, yt = imgs("train-images-idx3-ubyte", 12000), labs("train-labels-idx1-ubyte", 12000)
xs, ys = imgs("t10k-images-idx3-ubyte", 2000), labs("t10k-labels-idx1-ubyte", 2000)
print("keras", keras.__version__, "tensorflow", tf.__version__,
      "threads", tf.config.threading.get_intra_op_parallelism_threads(),
      tf.config.threading.get_inter_op_parallelism_threads())
acc = []
for seed in range(1, 11):
    keras.utils.set_random_seed(seed)
    m = keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"),
        layers.Flatten(),
        layers.Dense(64, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    m.fit(xt, yt, batch_size=32, epochs=1, verbose=0)
    loss, a = m.evaluate(xs, ys, verbose=0)
    acc.append(a)
    print(seed, loss, a)
print("mean %.4f sd %.4f over seeds 1-10" % (np.mean(acc), np.std(acc, ddof=1)))
