#!/usr/bin/env python3
"""Independent numpy forward pass (Keras inference semantics) of the head `gru(4)-bn-gru(3)-drop-fc(2)`
on 3-dim inputs, written to Tests/TrainTests/Fixtures/head_reference.json for HeadReferenceTests.

Layers: GRU(4, return_sequences, reset_after) -> BatchNormalization (moving statistics, eps 1e-3)
-> GRU(3, last state) -> Dropout (identity at inference) -> Dense(2, relu) -> Dense(1) -> sigmoid.
Masked steps carry the previous state (and output) forward, as Keras does.
Weights are fixed smooth functions, not random, so the fixture is reproducible without a seed.
"""
import json
import os

import numpy as np


def weights(shape, phase):
    n = int(np.prod(shape))
    return (0.6 * np.sin(np.arange(n) * 0.7 + phase)).reshape(shape)


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def gru(x, mask, kernel, recurrent, bias, return_sequences):
    batch, steps, _ = x.shape
    units = recurrent.shape[0]
    h = np.zeros((batch, units))
    outputs = np.zeros((batch, steps, units))
    for t in range(steps):
        xp = x[:, t] @ kernel + bias[0]
        hp = h @ recurrent + bias[1]
        z = sigmoid(xp[:, :units] + hp[:, :units])
        r = sigmoid(xp[:, units:2 * units] + hp[:, units:2 * units])
        hh = np.tanh(xp[:, 2 * units:] + r * hp[:, 2 * units:])
        new = z * h + (1 - z) * hh
        h = np.where(mask[:, t:t + 1] > 0, new, h)
        outputs[:, t] = h
    return outputs if return_sequences else h


dim = 3
params = {
    "0_gru/kernel": weights((dim, 12), 0.1),
    "0_gru/recurrent_kernel": weights((4, 12), 0.2),
    "0_gru/bias": weights((2, 12), 0.3) * 0.3,
    "1_batch_normalization/gamma": 1 + weights((4,), 0.4) * 0.5,
    "1_batch_normalization/beta": weights((4,), 0.5) * 0.2,
    "1_batch_normalization/moving_mean": weights((4,), 0.6) * 0.3,
    "1_batch_normalization/moving_variance": 0.5 + np.abs(weights((4,), 0.7)),
    "2_gru/kernel": weights((4, 9), 0.8),
    "2_gru/recurrent_kernel": weights((3, 9), 0.9),
    "2_gru/bias": weights((2, 9), 1.0) * 0.3,
    "4_dense/kernel": weights((3, 2), 1.1),
    "4_dense/bias": np.array([0.6, 0.7]),
    "5_dense/kernel": weights((2, 1), 1.2) * 2,
    "5_dense/bias": np.array([-0.1]),
}
x = weights((3, 5, dim), 2.0) * 2
mask = np.array([[1, 1, 1, 1, 1], [1, 0, 1, 1, 0], [0, 1, 1, 0, 0]], dtype=np.float64)

h1 = gru(x, mask, params["0_gru/kernel"], params["0_gru/recurrent_kernel"], params["0_gru/bias"], True)
bn = (h1 - params["1_batch_normalization/moving_mean"]) / np.sqrt(params["1_batch_normalization/moving_variance"] + 1e-3)
bn = bn * params["1_batch_normalization/gamma"] + params["1_batch_normalization/beta"]
h2 = gru(bn, mask, params["2_gru/kernel"], params["2_gru/recurrent_kernel"], params["2_gru/bias"], False)
fc = np.maximum(h2 @ params["4_dense/kernel"] + params["4_dense/bias"], 0)
logits = fc @ params["5_dense/kernel"] + params["5_dense/bias"]
probabilities = sigmoid(logits[:, 0])

fixture = {
    "architecture": "gru(4)-bn-gru(3)-drop-fc(2)",
    "input_dim": dim,
    "parameters": {k: {"shape": list(v.shape), "data": v.reshape(-1).tolist()} for k, v in params.items()},
    "inputs": x.reshape(-1).tolist(),
    "mask": mask.reshape(-1).tolist(),
    "batch": 3, "steps": 5,
    "probabilities": probabilities.tolist(),
}
out = os.path.join(os.path.dirname(__file__), "../../Tests/TrainTests/Fixtures/head_reference.json")
with open(out, "w") as f:
    json.dump(fixture, f, indent=1)
print("probabilities", probabilities)
