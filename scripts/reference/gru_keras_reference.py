#!/usr/bin/env python3
"""Independent numpy reference for the Keras GRU (reset_after=True) on the tiny example in
Tests/TrainTests/GRUKerasSemanticsTests.swift. Prints the expected outputs that the test hard-codes.

Keras semantics (tf.keras.layers.GRU, reset_after=True), gates ordered [z | r | h]:
  x_proj = x @ W + b_in ; h_proj = h_prev @ U + b_rec
  z = sigmoid(x_z + h_z); r = sigmoid(x_r + h_r); hh = tanh(x_h + r * h_h)
  h = z * h_prev + (1 - z) * hh
Masked steps: state and output repeat the previous ones.
"""
import numpy as np

np.set_printoptions(precision=9)
units = 2
W = np.array([[0.5, -0.3, 0.2, 0.1, -0.4, 0.6],
              [-0.2, 0.4, 0.3, -0.5, 0.1, 0.2]], dtype=np.float64)          # [input 2, 3*units]
U = np.array([[0.1, 0.2, -0.3, 0.4, 0.5, -0.1],
              [-0.2, 0.3, 0.1, -0.1, 0.2, 0.3]], dtype=np.float64)          # [units, 3*units]
b = np.array([[0.05, -0.05, 0.1, 0.0, -0.1, 0.2],                           # input bias
              [0.0, 0.1, -0.05, 0.05, 0.15, -0.1]], dtype=np.float64)        # recurrent bias
x = np.array([[1.0, -1.0], [0.5, 2.0], [-1.5, 0.5]])                         # 3 steps, dim 2
mask = [1, 0, 1]                                                              # step 1 is padding


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


h = np.zeros(units)
outputs = []
for t in range(3):
    xp = x[t] @ W + b[0]
    hp = h @ U + b[1]
    z = sigmoid(xp[:2] + hp[:2])
    r = sigmoid(xp[2:4] + hp[2:4])
    hh = np.tanh(xp[4:] + r * hp[4:])
    h_new = z * h + (1 - z) * hh
    if mask[t]:
        h = h_new
    outputs.append(h.copy())
    print(f"step {t}: z={z} r={r} hh={hh} h={h}")
print("sequence outputs:", np.array(outputs).reshape(-1).tolist())
print("last state:", h.tolist())
