#!/usr/bin/env python3
"""Independent numpy reference (Keras semantics) for the LSTM, the Bidirectional wrapper and the two
pooling layers, on the tiny examples in Tests/TrainTests/RecurrentReferenceTests.swift. Prints the expected
outputs that the test hard-codes. Written from the Keras documentation's formulas, not from the Swift code.

tf.keras.layers.LSTM (unit_forget_bias, recurrent_activation sigmoid), gate columns [i | f | c | o]:
  a = x @ W + h_prev @ U + b; i, f, o = sigmoid(a_i, a_f, a_o); g = tanh(a_c)
  c = f * c_prev + i * g; h = o * tanh(c)
tf.keras.layers.GRU (reset_after=True), gate columns [z | r | h]: as in gru_keras_reference.py.
Masked steps keep the state and (with return_sequences) repeat the previous output.
Bidirectional(layer, merge_mode="concat"): the backward copy reads the padded sequence reversed (masked
steps skipped), its sequence output is reversed back, and outputs are [forward | backward].
GlobalAveragePooling1D under a mask: mean of the valid steps.
Attention pooling (this project's definition): u_t = tanh(x_t W + b), s_t = u_t . v, alpha = softmax of s
over valid steps, y = sum alpha_t x_t.
"""
import numpy as np

np.set_printoptions(precision=10)


def weights(shape, phase):
    n = int(np.prod(shape))
    return (0.6 * np.sin(np.arange(n) * 0.7 + phase)).reshape(shape)


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def lstm(x, mask, W, U, b, sequences):
    units = U.shape[0]
    h, c = np.zeros(units), np.zeros(units)
    out = []
    for t in range(len(x)):
        a = x[t] @ W + h @ U + b
        i, f, g, o = sigmoid(a[:units]), sigmoid(a[units:2 * units]), np.tanh(a[2 * units:3 * units]), sigmoid(a[3 * units:])
        if mask[t]:
            c = f * c + i * g
            h = o * np.tanh(c)
        out.append(h.copy())
    return np.array(out) if sequences else h


def gru(x, mask, W, U, b, sequences):
    units = U.shape[0]
    h = np.zeros(units)
    out = []
    for t in range(len(x)):
        xp, hp = x[t] @ W + b[0], h @ U + b[1]
        z = sigmoid(xp[:units] + hp[:units])
        r = sigmoid(xp[units:2 * units] + hp[units:2 * units])
        hh = np.tanh(xp[2 * units:] + r * hp[2 * units:])
        if mask[t]:
            h = z * h + (1 - z) * hh
        out.append(h.copy())
    return np.array(out) if sequences else h


def bidirectional(cell, x, mask, fw, bw, sequences):
    ahead = cell(x, mask, *fw, sequences)
    behind = cell(x[::-1], mask[::-1], *bw, sequences)
    if sequences:
        behind = behind[::-1]
    return np.concatenate([ahead, behind], axis=-1)


def average(x, mask):
    m = np.array(mask, dtype=bool)
    return x[m].mean(axis=0)


def attention(x, mask, W, b, v):
    s = np.tanh(x @ W + b) @ v
    m = np.array(mask, dtype=bool)
    e = np.where(m, np.exp(s - s[m].max()), 0)
    return (e / e.sum()) @ x


# Batch of two 3-step sequences of 2 features: the first has a padded middle step, the second a padded last one.
x = np.array([[[1.0, -1.0], [0.5, 2.0], [-1.5, 0.5]],
              [[0.3, 0.8], [-0.7, 0.2], [9.0, -9.0]]])
masks = [[1, 0, 1], [1, 1, 0]]
units = 2
lstm_w = (weights((2, 8), 0.1), weights((2, 8), 1.3), weights((8,), 2.2))
lstm_bw = (weights((2, 8), 0.4), weights((2, 8), 1.9), weights((8,), 2.7))
gru_w = (weights((2, 6), 0.2), weights((2, 6), 1.1), weights((2, 6), 2.5))
gru_bw = (weights((2, 6), 0.6), weights((2, 6), 1.7), weights((2, 6), 2.9))
attn_w = (weights((2, 3), 0.3), weights((3,), 1.5), weights((3,), 2.4))


def show(name, rows):
    print(f"{name}: {np.array(rows).reshape(-1).tolist()}")


for sequences in (True, False):
    tag = "sequences" if sequences else "last"
    show(f"lstm {tag}", [lstm(x[b], masks[b], *lstm_w, sequences) for b in range(2)])
    show(f"bigru {tag}", [bidirectional(gru, x[b], masks[b], gru_w, gru_bw, sequences) for b in range(2)])
    show(f"bilstm {tag}", [bidirectional(lstm, x[b], masks[b], lstm_w, lstm_bw, sequences) for b in range(2)])
show("average", [average(x[b], masks[b]) for b in range(2)])
show("attention", [attention(x[b], masks[b], *attn_w) for b in range(2)])
