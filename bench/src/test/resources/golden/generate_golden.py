#!/usr/bin/env python3
"""Generate PyTorch golden optimizer trajectories for the vecopt Java tests.

Run from the repository root with the Debian interpreter (python3-torch):

    apt-get install -y python3-torch
    /usr/bin/python3 bench/src/test/resources/golden/generate_golden.py

Output: torch_golden.json.gz next to this script.  It is a gzipped JSON array
of objects:

    {"name": str, "optimizer": str, "hyper": {...}, "size": int, "steps": int,
     "init": [floats], "grads": [[floats] per step],
     "params": [[floats] per step]}   # params AFTER each opt.step()

"optimizer" is the torch.optim class name and "hyper" holds exactly the
constructor kwargs passed (betas, etas, step_sizes as JSON lists).  foreach=False is always
passed too (single-tensor code path) but is not recorded in "hyper".

Everything is float32 on the CPU.  Each float is written as the shortest
decimal that reads back as that float32 (checked for every value), so (float)
of the parsed double, or Float.parseFloat of the text, gives back the exact
float32 value.
"""

import gzip
import inspect
import json
import os
import zlib

import numpy as np
import torch

OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "torch_golden.json.gz")

DTYPE = torch.float32

# Kwargs we never use even when the installed torch has them.
FORBIDDEN_KWARGS = {"foreach", "fused", "capturable", "differentiable"}


# --------------------------------------------------------------------------
# Seeded data generation (torch only, no numpy)
# --------------------------------------------------------------------------

def case_seed(name):
    """Stable per-case seed derived from the case name (order independent)."""
    return zlib.crc32(name.encode("utf-8")) & 0x7FFFFFFF


def make_grad(gen, kind, size):
    """One float32 gradient vector of the requested kind."""
    if kind == "mixed":
        # one magnitude per step, log-uniform in [1e-6, 1e3], so the scale jumps from step to step
        exponent = torch.rand(1, generator=gen, dtype=DTYPE) * 9.0 - 6.0
        scale = torch.pow(torch.tensor(10.0, dtype=DTYPE), exponent)
        return torch.randn(size, generator=gen, dtype=DTYPE) * scale
    if kind == "normal":          # ~N(0, 1)
        return torch.randn(size, generator=gen, dtype=DTYPE)
    if kind == "tiny":            # ~1e-6 scale
        return torch.randn(size, generator=gen, dtype=DTYPE) * 1e-6
    if kind == "huge":            # ~1e3 scale
        return torch.randn(size, generator=gen, dtype=DTYPE) * 1e3
    if kind == "wide":
        # magnitude log-uniform in [1e-6, 1e3], random sign per element
        exponent = torch.rand(size, generator=gen, dtype=DTYPE) * 9.0 - 6.0
        magnitude = torch.pow(torch.tensor(10.0, dtype=DTYPE), exponent)
        sign = torch.where(torch.rand(size, generator=gen, dtype=DTYPE) < 0.5,
                           torch.tensor(-1.0, dtype=DTYPE),
                           torch.tensor(1.0, dtype=DTYPE))
        return magnitude * sign
    if kind == "sparse":
        # ~90% exact (+0.0) zeros per step, the rest ~N(0, 1)
        values = torch.randn(size, generator=gen, dtype=DTYPE)
        keep = torch.rand(size, generator=gen, dtype=DTYPE) < 0.1
        return torch.where(keep, values, torch.zeros(size, dtype=DTYPE))
    raise ValueError("unknown gradient kind: " + kind)


def short_float(x):
    """The double whose repr is the shortest decimal that reads back as the float32 x.

    Parsing that text as a double and rounding to float32 (what the Java reader does) must give x
    again; this is checked for every value rather than assumed."""
    f = np.float32(x)
    text = np.format_float_scientific(f, unique=True, trim="-")
    d = float(text)
    if np.float32(d).tobytes() != f.tobytes():
        d = float(x)                                 # exact double of the float32: always reads back
    assert np.float32(d).tobytes() == f.tobytes(), x
    return d


def to_floats(t):
    """float32 tensor -> list of Python floats that round-trip to the same float32 bits."""
    assert t.dtype == DTYPE
    return [short_float(x) for x in t.tolist()]


# --------------------------------------------------------------------------
# Case definitions
# --------------------------------------------------------------------------

def supported_kwargs(opt_name):
    """Names of the keyword arguments the installed torch.optim class accepts."""
    sig = inspect.signature(getattr(torch.optim, opt_name).__init__)
    return set(sig.parameters) - {"self", "params"}


# Each entry: (optimizer, label, hyper, [(size, steps, kind), ...]).
# hyper always contains lr explicitly.  Every optimizer gets at least the
# normal, wide and sparse kinds; tiny and huge are spread over option sets.
CASES = [
    # ---------------- SGD (lr has no default) ----------------
    ("SGD", "default", {"lr": 0.01},
     [(33, 12, "normal"), (7, 10, "wide"), (17, 15, "sparse")]),
    ("SGD", "momentum", {"lr": 0.01, "momentum": 0.9},
     [(100, 15, "normal"), (17, 12, "wide")]),
    ("SGD", "momentum+dampening", {"lr": 1e-4, "momentum": 0.9, "dampening": 0.5},
     [(17, 12, "huge"), (33, 15, "normal")]),
    ("SGD", "nesterov", {"lr": 0.01, "momentum": 0.9, "nesterov": True},
     [(33, 14, "wide"), (7, 12, "sparse")]),
    ("SGD", "wd", {"lr": 0.05, "weight_decay": 0.1},
     [(7, 15, "sparse"), (1, 10, "normal")]),
    ("SGD", "maximize", {"lr": 0.01, "maximize": True},
     [(17, 12, "normal")]),
    # everything torch allows together: nesterov needs dampening == 0
    ("SGD", "nesterov+wd+maximize",
     {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.05, "nesterov": True,
      "maximize": True},
     [(33, 16, "normal"), (1, 12, "wide")]),
    ("SGD", "momentum+wd", {"lr": 0.01, "momentum": 0.9, "weight_decay": 1e-3},
     [(17, 12, "normal")]),
    ("SGD", "momentum+dampening+wd+maximize",
     {"lr": 0.01, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.05,
      "maximize": True},
     [(33, 14, "sparse"), (17, 12, "tiny")]),

    # ---------------- Adagrad ----------------
    ("Adagrad", "default", {"lr": 0.01},
     [(33, 12, "normal"), (17, 15, "wide"), (100, 12, "sparse")]),
    ("Adagrad", "lr_decay", {"lr": 0.05, "lr_decay": 0.1},
     [(7, 15, "normal")]),
    ("Adagrad", "wd", {"lr": 0.01, "weight_decay": 0.1},
     [(17, 12, "huge")]),
    ("Adagrad", "init_acc", {"lr": 0.01, "initial_accumulator_value": 0.5},
     [(33, 12, "tiny")]),
    ("Adagrad", "eps", {"lr": 0.01, "eps": 1e-3},
     [(17, 14, "tiny")]),
    ("Adagrad", "maximize", {"lr": 0.01, "maximize": True},
     [(33, 12, "wide")]),
    ("Adagrad", "all",
     {"lr": 0.02, "lr_decay": 0.05, "weight_decay": 0.01,
      "initial_accumulator_value": 0.1, "eps": 1e-6, "maximize": True},
     [(1, 15, "sparse"), (33, 12, "normal")]),

    # ---------------- RMSprop ----------------
    ("RMSprop", "default", {"lr": 0.01},
     [(33, 12, "normal"), (7, 15, "wide"), (17, 15, "sparse")]),
    ("RMSprop", "alpha", {"lr": 0.01, "alpha": 0.9},
     [(100, 12, "normal")]),
    ("RMSprop", "eps", {"lr": 0.01, "eps": 1e-4},
     [(17, 12, "tiny")]),
    ("RMSprop", "wd", {"lr": 0.01, "weight_decay": 0.1},
     [(33, 12, "huge")]),
    ("RMSprop", "momentum", {"lr": 0.01, "momentum": 0.9},
     [(33, 14, "wide")]),
    ("RMSprop", "centered", {"lr": 0.01, "centered": True},
     [(17, 12, "normal")]),
    ("RMSprop", "centered+momentum", {"lr": 0.01, "momentum": 0.9, "centered": True},
     [(33, 15, "sparse"), (1, 12, "wide")]),
    ("RMSprop", "maximize", {"lr": 0.01, "maximize": True},
     [(7, 12, "normal")]),
    ("RMSprop", "all",
     {"lr": 0.005, "alpha": 0.95, "eps": 1e-6, "weight_decay": 0.01,
      "momentum": 0.5, "centered": True, "maximize": True},
     [(33, 14, "huge")]),

    # ---------------- Adadelta ----------------
    ("Adadelta", "default", {"lr": 1.0},
     [(33, 12, "normal"), (17, 15, "wide"), (7, 15, "sparse"), (100, 10, "normal")]),
    ("Adadelta", "rho", {"lr": 0.5, "rho": 0.8},
     [(17, 12, "normal")]),
    ("Adadelta", "eps", {"lr": 1.0, "eps": 1e-4},
     [(33, 12, "tiny")]),
    ("Adadelta", "default-tiny", {"lr": 1.0},
     [(7, 12, "tiny")]),
    ("Adadelta", "wd", {"lr": 1.0, "weight_decay": 0.1},
     [(17, 12, "huge")]),
    ("Adadelta", "maximize", {"lr": 1.0, "maximize": True},
     [(33, 12, "wide")]),
    ("Adadelta", "all",
     {"lr": 2.0, "rho": 0.95, "eps": 1e-5, "weight_decay": 0.01, "maximize": True},
     [(33, 14, "sparse"), (1, 12, "normal")]),

    # ---------------- Adam ----------------
    ("Adam", "default", {"lr": 1e-3},
     [(33, 12, "normal"), (17, 15, "wide"), (100, 12, "sparse")]),
    ("Adam", "betas", {"lr": 1e-2, "betas": [0.8, 0.99]},
     [(7, 15, "normal")]),
    ("Adam", "eps", {"lr": 1e-3, "eps": 1e-6},
     [(33, 12, "tiny")]),
    ("Adam", "wd", {"lr": 1e-2, "weight_decay": 0.1},
     [(17, 12, "huge")]),
    ("Adam", "amsgrad", {"lr": 1e-2, "amsgrad": True},
     [(33, 16, "sparse"), (1, 12, "wide")]),
    ("Adam", "maximize", {"lr": 1e-3, "maximize": True},
     [(17, 12, "normal")]),
    ("Adam", "amsgrad+wd",
     {"lr": 1e-2, "betas": [0.85, 0.995], "eps": 1e-7, "weight_decay": 0.05,
      "amsgrad": True, "maximize": True},
     [(33, 15, "wide")]),

    # ---------------- AdamW (default weight_decay 1e-2 left implicit) ------
    ("AdamW", "default", {"lr": 1e-3},
     [(33, 12, "normal"), (17, 15, "wide"), (7, 15, "sparse")]),
    ("AdamW", "wd", {"lr": 1e-2, "weight_decay": 0.1},
     [(100, 12, "normal")]),
    ("AdamW", "amsgrad", {"lr": 1e-2, "amsgrad": True},
     [(33, 14, "huge"), (17, 15, "sparse")]),
    ("AdamW", "maximize", {"lr": 1e-3, "maximize": True},
     [(33, 12, "tiny")]),
    ("AdamW", "amsgrad+wd+maximize",
     {"lr": 1e-2, "betas": [0.8, 0.99], "eps": 1e-6, "weight_decay": 0.05,
      "amsgrad": True, "maximize": True},
     [(33, 15, "wide"), (1, 12, "normal")]),

    # ---------------- Adamax ----------------
    ("Adamax", "default", {"lr": 2e-3},
     [(33, 12, "normal"), (17, 15, "wide"), (7, 15, "sparse")]),
    ("Adamax", "wd", {"lr": 2e-3, "weight_decay": 0.1},
     [(33, 12, "huge")]),
    ("Adamax", "maximize", {"lr": 2e-3, "maximize": True},
     [(17, 12, "tiny")]),
    ("Adamax", "betas+eps", {"lr": 1e-2, "betas": [0.8, 0.99], "eps": 1e-6},
     [(100, 12, "normal")]),
    ("Adamax", "wd+maximize", {"lr": 1e-2, "weight_decay": 0.05, "maximize": True},
     [(33, 15, "sparse"), (1, 12, "wide")]),

    # ---------------- NAdam ----------------
    ("NAdam", "default", {"lr": 2e-3},
     [(33, 12, "normal"), (17, 15, "wide"), (7, 15, "sparse")]),
    ("NAdam", "momentum_decay", {"lr": 2e-3, "momentum_decay": 0.01},
     [(100, 12, "normal")]),
    ("NAdam", "momentum_decay-big", {"lr": 2e-3, "momentum_decay": 0.1},
     [(17, 14, "tiny")]),
    ("NAdam", "wd", {"lr": 2e-3, "weight_decay": 0.1},
     [(33, 12, "huge")]),
    ("NAdam", "wd+betas+eps",
     {"lr": 1e-2, "betas": [0.85, 0.99], "eps": 1e-6, "weight_decay": 0.05},
     [(33, 15, "sparse"), (1, 12, "wide")]),
    ("NAdam", "decoupled_wd",
     {"lr": 2e-3, "weight_decay": 0.1, "decoupled_weight_decay": True},
     [(33, 12, "normal"), (17, 12, "wide")]),

    # ---------------- RAdam (>= 10 steps; rho_t > 5 switch at step 6) -------
    ("RAdam", "default", {"lr": 1e-3},
     [(33, 12, "normal"), (17, 15, "wide"), (7, 15, "sparse")]),
    ("RAdam", "wd", {"lr": 1e-3, "weight_decay": 0.1},
     [(33, 12, "huge")]),
    ("RAdam", "default-tiny", {"lr": 1e-3},
     [(100, 12, "tiny")]),
    ("RAdam", "wd+betas+eps",
     {"lr": 1e-2, "betas": [0.85, 0.99], "eps": 1e-6, "weight_decay": 0.05},
     [(33, 16, "sparse"), (1, 20, "wide")]),
    ("RAdam", "decoupled_wd",
     {"lr": 1e-3, "weight_decay": 0.1, "decoupled_weight_decay": True},
     [(33, 12, "normal"), (17, 12, "wide")]),

    # ---------------- Rprop (sign changes every few steps with random gradients) ----
    ("Rprop", "default", {"lr": 0.01},
     [(33, 12, "normal"), (17, 15, "wide"), (7, 15, "sparse")]),
    ("Rprop", "etas+step_sizes",
     {"lr": 0.05, "etas": [0.3, 1.5], "step_sizes": [1e-3, 0.2]},
     [(33, 14, "normal"), (17, 12, "sparse")]),
    ("Rprop", "maximize", {"lr": 0.01, "maximize": True},
     [(17, 12, "huge"), (1, 12, "wide")]),
    ("Rprop", "tiny", {"lr": 1e-3},
     [(33, 12, "tiny")]),

    # ---------------- ASGD (small t0 so that the averaging starts) ----------
    ("ASGD", "default", {"lr": 0.01},
     [(33, 12, "normal"), (17, 15, "wide"), (7, 15, "sparse")]),
    ("ASGD", "t0", {"lr": 0.01, "t0": 3},
     [(33, 15, "normal"), (1, 12, "wide")]),
    ("ASGD", "lambd+alpha", {"lr": 0.05, "lambd": 0.01, "alpha": 0.5, "t0": 5},
     [(17, 14, "huge")]),
    ("ASGD", "wd+maximize",
     {"lr": 0.01, "weight_decay": 0.1, "maximize": True, "t0": 2},
     [(33, 12, "tiny"), (17, 12, "sparse")]),
]


# Long runs, at least 100 steps on 67 to 133 elements, added to the option sets above: rounding
# differences that a dozen steps hide grow over a hundred.  "wide" spans 1e-6..1e3 within a step,
# "mixed" jumps between those magnitudes from one step to the next.
LONG_CASES = {
    ("SGD", "default"): [(113, 100, "mixed")],
    ("SGD", "momentum"): [(67, 120, "wide"), (101, 100, "mixed")],
    ("SGD", "momentum+dampening"): [(83, 110, "mixed")],
    ("SGD", "nesterov"): [(97, 100, "wide")],
    ("SGD", "wd"): [(71, 100, "mixed")],
    ("SGD", "maximize"): [(89, 100, "wide")],
    ("SGD", "nesterov+wd+maximize"): [(131, 100, "mixed")],
    ("SGD", "momentum+wd"): [(127, 100, "wide")],
    ("SGD", "momentum+dampening+wd+maximize"): [(73, 110, "wide")],
    ("Adagrad", "default"): [(79, 100, "mixed")],
    ("Adagrad", "lr_decay"): [(67, 100, "wide")],
    ("Adagrad", "wd"): [(89, 100, "wide")],
    ("Adagrad", "init_acc"): [(103, 100, "mixed")],
    ("Adagrad", "all"): [(71, 100, "mixed")],
    ("RMSprop", "default"): [(97, 100, "wide")],
    ("RMSprop", "momentum"): [(71, 100, "mixed")],
    ("RMSprop", "centered"): [(83, 100, "mixed")],
    ("RMSprop", "centered+momentum"): [(109, 100, "wide")],
    ("RMSprop", "all"): [(67, 100, "mixed")],
    ("Adadelta", "default"): [(101, 100, "mixed")],
    ("Adadelta", "wd"): [(73, 100, "wide")],
    ("Adadelta", "all"): [(89, 100, "mixed")],
    ("Adam", "default"): [(67, 100, "mixed")],
    ("Adam", "wd"): [(83, 100, "mixed")],
    ("Adam", "amsgrad"): [(97, 100, "wide")],
    ("Adam", "amsgrad+wd"): [(113, 100, "mixed")],
    ("AdamW", "default"): [(79, 100, "wide")],
    ("AdamW", "amsgrad+wd+maximize"): [(101, 100, "mixed")],
    ("Adamax", "default"): [(71, 100, "mixed")],
    ("Adamax", "wd+maximize"): [(89, 100, "wide")],
    ("NAdam", "default"): [(83, 100, "mixed")],
    ("NAdam", "wd+betas+eps"): [(67, 100, "wide")],
    ("RAdam", "default"): [(97, 100, "mixed")],
    ("RAdam", "wd+betas+eps"): [(73, 100, "wide")],
    ("Rprop", "default"): [(89, 100, "mixed")],
    ("Rprop", "etas+step_sizes"): [(71, 100, "wide")],
    ("Rprop", "maximize"): [(101, 100, "mixed")],
    ("ASGD", "t0"): [(97, 100, "mixed")],
    ("ASGD", "lambd+alpha"): [(67, 100, "wide")],
    ("ASGD", "wd+maximize"): [(73, 110, "wide")],
}


def is_long(size, steps):
    return 67 <= size <= 133 and steps >= 100


# --------------------------------------------------------------------------
# torch < 2.0 NAdam: apply upstream's fix so the fixtures hold today's NAdam
# --------------------------------------------------------------------------

NADAM_BUG = "mu_product_next = mu_product * mu * mu_next"
NADAM_FIX = "mu_product_next = mu_product * mu_next"


def fix_old_nadam():
    """torch 1.13's single-tensor NAdam multiplies mu into mu_product twice
    (mu_product was already updated on the line before).  PyTorch 2.0 fixed it;
    vecopt follows current PyTorch.  Recompile torch's own function with that
    one line changed, so every other operation stays torch's."""
    import torch.optim.nadam as nadam
    source = inspect.getsource(nadam._single_tensor_nadam)
    if NADAM_BUG not in source:
        return False            # a fixed torch: nothing to do
    namespace = dict(vars(nadam))
    exec(compile(source.replace(NADAM_BUG, NADAM_FIX), nadam.__file__, "exec"), namespace)
    nadam._single_tensor_nadam = namespace["_single_tensor_nadam"]
    return True


# --------------------------------------------------------------------------
# Running one case exactly like a user would
# --------------------------------------------------------------------------

def run_case(opt_name, hyper, size, steps, kind, name):
    gen = torch.Generator().manual_seed(case_seed(name))
    init = torch.randn(size, generator=gen, dtype=DTYPE)   # ~N(0, 1)
    grads = [make_grad(gen, kind, size) for _ in range(steps)]

    # Convert JSON-style values into what torch expects (betas as tuple).
    kwargs = {k: (tuple(v) if isinstance(v, list) else v) for k, v in hyper.items()}

    p = torch.nn.Parameter(init.clone())
    opt = getattr(torch.optim, opt_name)([p], **kwargs, foreach=False)

    params_after = []
    for g in grads:
        p.grad = g.clone()
        opt.step()
        params_after.append(to_floats(p.detach()))

    return {
        "name": name,
        "optimizer": opt_name,
        "hyper": hyper,
        "size": size,
        "steps": steps,
        "init": to_floats(init),
        "grads": [to_floats(g) for g in grads],
        "params": params_after,
    }


def main():
    torch.set_num_threads(1)
    print("torch", torch.__version__)
    if fix_old_nadam():
        print("NAdam: applied PyTorch 2.0's mu_product_next fix to torch %s" % torch.__version__)

    cases = []
    skipped = []          # (case label, missing kwargs) for unsupported options
    names = set()
    labels = {(opt_name, label) for opt_name, label, _, _ in CASES}
    assert set(LONG_CASES) <= labels, set(LONG_CASES) - labels
    for opt_name, _, _, _ in CASES:
        assert any(o == opt_name for o, _ in LONG_CASES), "no long case for " + opt_name
    for opt_name, label, hyper, short_variants in CASES:
        variants = short_variants + LONG_CASES.get((opt_name, label), [])
        supported = supported_kwargs(opt_name)
        assert "lr" in hyper, (opt_name, label)
        assert not (set(hyper) & FORBIDDEN_KWARGS), (opt_name, label)
        missing = sorted(set(hyper) - supported)
        if missing:
            # The installed torch lacks this option: drop the whole option set
            # rather than silently testing something different.
            skipped.append((opt_name + "/" + label, missing))
            continue
        assert "foreach" in supported, opt_name
        for size, steps, kind in variants:
            assert 10 <= steps <= 20 or is_long(size, steps), (opt_name, label, size, steps)
            name = "%s/%s/size%d/%s" % (opt_name, label, size, kind)
            assert name not in names, name
            names.add(name)
            cases.append(run_case(opt_name, hyper, size, steps, kind, name))

    # allow_nan=False makes json refuse to write NaN/Inf.
    text = json.dumps(cases, allow_nan=False, separators=(",", ":"))
    with gzip.GzipFile(OUT_PATH, "wb", mtime=0) as f:   # mtime=0: reproducible bytes
        f.write(text.encode("utf-8"))

    print("wrote %d cases to %s (%d bytes)" % (len(cases), OUT_PATH,
                                               os.path.getsize(OUT_PATH)))
    for what, missing in skipped:
        print("SKIPPED %s: torch %s lacks %s" % (what, torch.__version__,
                                                 ", ".join(missing)))


if __name__ == "__main__":
    main()
