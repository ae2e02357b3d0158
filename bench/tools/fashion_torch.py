#!/usr/bin/env python3
"""PyTorch side of vecopt's Fashion-MNIST experiments (the Adam paper's sections 6.1 and 6.2).

Runs exactly the protocol that `convergence --dataset fashion-mnist` runs, from the files that
`convergence --dataset fashion-mnist --export-protocol DIR` writes: the same training/validation rows,
the same initial weights, the same mini-batch order, the same dropout masks (the splitmix64 hash of
vecopt.bench.convergence.DropoutMasks, computed with NumPy), the same learning-rate grids and the same
rule for choosing a rate (lowest validation loss after the grid epochs). Writes per-epoch training
cost, validation loss and test accuracy per optimizer as the JSON fixture the command compares with.

    java -jar bench/target/vecopt-bench.jar convergence --dataset fashion-mnist --export-protocol /tmp/p
    python3 bench/tools/fashion_torch.py /tmp/p \
        bench/src/main/resources/vecopt/bench/convergence/fashion-torch.json

(or write OUT.json elsewhere and pass `--torch OUT.json` to the vecopt run). Needs torch and numpy
(Debian: python3-torch); tests never run it. Float32, one thread: with Debian's OpenBLAS a second
thread made a step of the 2x1000 MLP 15 times slower here (0.32 s against 0.020 s).
"""
import gzip
import json
import math
import struct
import sys
import time

import numpy as np
import torch

GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def splitmix64(z):
    z = np.asarray(z, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def dropout_mask(seed, step, layer, shape, p):
    """The scaled mask of DropoutMasks.fill: keep iff u >= p, kept values 1 / (1 - p)."""
    n = int(np.prod(shape))
    with np.errstate(over="ignore"):
        base = splitmix64(np.uint64(seed) + np.uint64(step) * GOLDEN + np.uint64(layer))
        k = np.arange(n, dtype=np.uint64)
        u = (splitmix64(base + k * GOLDEN) >> np.uint64(11)).astype(np.float64) * 2.0 ** -53
    keep = np.float32(1 / (1 - p))
    return torch.from_numpy(np.where(u >= p, keep, np.float32(0)).astype(np.float32).reshape(shape))


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    dims = magic & 0xFF
    sizes = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(sizes)


def ints(path):
    return np.fromfile(path, dtype="<i4")


class Net:
    """x W + b layers, W of shape (in, out) as vecopt stores it; ReLU and dropout between them."""

    def __init__(self, sizes, init, dropout, dropout_seed, weight_decay):
        self.params = []
        self.weights = []
        offset = 0
        for k in range(len(sizes) - 1):
            n_in, n_out = sizes[k], sizes[k + 1]
            w = torch.tensor(init[offset:offset + n_in * n_out].reshape(n_in, n_out), requires_grad=True)
            offset += n_in * n_out
            b = torch.tensor(init[offset:offset + n_out], requires_grad=True)
            offset += n_out
            self.params += [w, b]
            self.weights.append(w)
        assert offset == len(init), (offset, len(init))
        self.dropout = dropout
        self.dropout_seed = dropout_seed
        self.weight_decay = weight_decay
        self.steps = 0

    def logits(self, x, training):
        h = x
        layers = len(self.weights)
        for k in range(layers):
            h = h @ self.params[2 * k] + self.params[2 * k + 1]
            if k < layers - 1:
                h = torch.relu(h)
                if training and self.dropout > 0:
                    h = h * dropout_mask(self.dropout_seed, self.steps, k, tuple(h.shape), self.dropout)
        return h

    def cost(self, x, y):
        loss = torch.nn.functional.cross_entropy(self.logits(x, True), y)
        if self.weight_decay > 0:
            loss = loss + self.weight_decay / 2 * sum((w.double() ** 2).sum() for w in self.weights).float()
        self.steps += 1
        return loss

    @torch.no_grad()
    def evaluate(self, x, y):
        logits = self.logits(x, False)
        loss = torch.nn.functional.cross_entropy(logits, y).item()
        acc = (logits.argmax(1) == y).double().mean().item()
        return loss, acc


def train(proto, sizes, init, data, orders, row, lr, epochs, decay):
    (xt, yt), (xv, yv), (xs, ys) = data
    net = Net(sizes, init, proto["dropout"] if len(sizes) > 2 else 0, proto["dropout_seed"], proto["weight_decay"])
    opt = getattr(torch.optim, row["torch"])(net.params, lr=lr, **row["kwargs"])
    batch = proto["batch_size"]
    curves = {"lr": lr, "train_cost": [], "validation_loss": [], "test_accuracy": []}
    for e in range(1, epochs + 1):
        for g in opt.param_groups:
            g["lr"] = lr / math.sqrt(e) if decay else lr
        order = torch.from_numpy(orders[e - 1].astype(np.int64))
        total, count = 0.0, 0
        for start in range(0, len(order), batch):
            rows = order[start:start + batch]
            opt.zero_grad()
            loss = net.cost(xt[rows], yt[rows])
            if not torch.isfinite(loss):
                curves["stop"] = "cost not finite in epoch %d" % e
                return curves
            loss.backward()
            opt.step()
            total += loss.item()
            count += 1
        curves["train_cost"].append(total / count)
        curves["validation_loss"].append(net.evaluate(xv, yv)[0])
        curves["test_accuracy"].append(net.evaluate(xs, ys)[1])
    return curves


def main(proto_dir, out_path):
    torch.set_num_threads(1)
    with open(proto_dir + "/protocol.json") as f:
        proto = json.load(f)
    d = proto["data_dir"]
    images = torch.from_numpy(idx(d + "/train-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / np.float32(255))
    labels = torch.from_numpy(idx(d + "/train-labels-idx1-ubyte.gz").astype(np.int64))
    test_x = torch.from_numpy(idx(d + "/t10k-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / np.float32(255))
    test_y = torch.from_numpy(idx(d + "/t10k-labels-idx1-ubyte.gz").astype(np.int64))
    split = torch.from_numpy(ints(proto_dir + "/split.i32").astype(np.int64))
    n, nv, nt = proto["train"], proto["validation"], proto["test"]
    train_rows, val_rows = split[:n], split[n:n + nv]
    out = {"signature": proto["signature"], "generator": "bench/tools/fashion_torch.py, torch " + torch.__version__,
           "experiments": {}}
    for name in ("logistic", "mlp"):
        mlp = name == "mlp"
        rows = proto["mlp_train"] if mlp else n
        data = ((images[train_rows[:rows]], labels[train_rows[:rows]]), (images[val_rows], labels[val_rows]),
                (test_x[:nt], test_y[:nt]))
        sizes = [784, proto["hidden"], proto["hidden"], 10] if mlp else [784, 10]
        init = np.fromfile(proto_dir + "/init-%s.f32" % name, dtype="<f4")
        epochs = proto["mlp_epochs" if mlp else "logistic_epochs"]
        orders = ints(proto_dir + "/orders-%s.i32" % name).reshape(epochs, rows)
        grid_epochs = min(epochs, proto["mlp_grid_epochs" if mlp else "logistic_grid_epochs"])
        decay = proto["mlp_decay"] if mlp else True
        results = {}
        for row in proto["optimizers"]:
            t = time.time()
            best = None
            for lr in row["mlp_grid" if mlp else "logistic_grid"]:
                c = train(proto, sizes, init, data, orders, row, lr, grid_epochs, decay)
                if "stop" not in c and (best is None or c["validation_loss"][-1] < best["validation_loss"][-1]):
                    best = c
            if grid_epochs < epochs:
                best = train(proto, sizes, init, data, orders, row, best["lr"], epochs, decay)
            results[row["label"]] = best
            print("%s %-13s lr %-7g test accuracy %.2f%% (%.0f s)" % (name, row["label"], best["lr"],
                  100 * best["test_accuracy"][-1], time.time() - t), flush=True)
        out["experiments"][name] = results
    with open(out_path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
