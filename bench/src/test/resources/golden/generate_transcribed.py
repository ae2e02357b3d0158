#!/usr/bin/env python3
"""Generate golden trajectories of the rules torch.optim lacks, from small pure-torch transcriptions.

torch.optim has no LAMB and no LARS.  The classes below write vecopt's chosen conventions (stated in
the javadoc of vecopt.engine.LAMB and LARS) with plain float32 torch operations, as a user would port
them: optax's lamb and lars trust ratio, apex's and timm's bias_correction switch, timm's trust_clip,
torch.optim.SGD's momentum with the learning rate outside the buffer.  They are references written
from the papers' equations in another language and library, not copies of the Java kernels.

Run from the repository root with the Debian interpreter (python3-torch):

    /usr/bin/python3 bench/src/test/resources/golden/generate_transcribed.py

Output: transcribed_golden.json.gz next to this script, in the format of torch_golden.json.gz (see
generate_golden.py, whose gradient kinds, seeds and float encoding it reuses); byte-for-byte
reproducible.
"""

import gzip
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate_golden import DTYPE, case_seed, is_long, make_grad, to_floats  # noqa: E402

OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "transcribed_golden.json.gz")


def trust_ratio(param_norm, update_norm, numerator, denominator):
    """numerator / denominator, or 1 where either norm is 0 (optax's scale_by_trust_ratio)."""
    zero = (param_norm == 0) | (update_norm == 0)
    return torch.where(zero, torch.ones_like(param_norm), numerator / denominator)


class LAMB(torch.optim.Optimizer):
    """You et al. 2019, Algorithm 2, with optax's lamb conventions (see vecopt.engine.LAMB)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-6, weight_decay=1e-4, bias_correction=True,
                 trust_clip=False, use_trust_ratio=True, maximize=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, bias_correction=bias_correction,
                        trust_clip=trust_clip, use_trust_ratio=use_trust_ratio, maximize=maximize)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                g = -p.grad if group["maximize"] else p.grad
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_avg_sq"] = torch.zeros_like(p)
                state["step"] += 1
                t = state["step"]
                m, v = state["exp_avg"], state["exp_avg_sq"]
                m.mul_(beta1).add_(g, alpha=1 - beta1)
                v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
                bias1 = 1 - beta1 ** t if group["bias_correction"] else 1.0
                bias2 = 1 - beta2 ** t if group["bias_correction"] else 1.0
                u = (m / bias1) / ((v / bias2).sqrt() + group["eps"]) + group["weight_decay"] * p
                ratio = torch.ones((), dtype=DTYPE)
                if group["use_trust_ratio"]:
                    p_norm, u_norm = p.norm(), u.norm()
                    ratio = trust_ratio(p_norm, u_norm, p_norm, u_norm)
                    if group["trust_clip"]:
                        ratio = torch.clamp(ratio, max=1.0)
                p.add_(u * ratio, alpha=-group["lr"])


class LARS(torch.optim.Optimizer):
    """You, Gitman and Ginsburg 2017, Algorithm 1, with optax's trust ratio and torch SGD's momentum
    (see vecopt.engine.LARS)."""

    def __init__(self, params, lr=1.0, momentum=0.9, weight_decay=0.0, trust_coefficient=1e-3, eps=0.0,
                 nesterov=False, use_trust_ratio=True, maximize=False):
        defaults = dict(lr=lr, momentum=momentum, weight_decay=weight_decay, trust_coefficient=trust_coefficient,
                        eps=eps, nesterov=nesterov, use_trust_ratio=use_trust_ratio, maximize=maximize)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                g = -p.grad if group["maximize"] else p.grad
                u = g.add(p, alpha=group["weight_decay"])
                if group["use_trust_ratio"]:
                    p_norm, u_norm = p.norm(), u.norm()
                    ratio = trust_ratio(p_norm, u_norm, group["trust_coefficient"] * p_norm, u_norm + group["eps"])
                    u = u * ratio
                momentum = group["momentum"]
                if momentum != 0:
                    state = self.state[p]
                    if "momentum_buffer" not in state:
                        buf = state["momentum_buffer"] = u.clone()
                    else:
                        buf = state["momentum_buffer"]
                        buf.mul_(momentum).add_(u)
                    u = u.add(buf, alpha=momentum) if group["nesterov"] else buf
                p.add_(u, alpha=-group["lr"])


OPTIMIZERS = {"LAMB": LAMB, "LARS": LARS}

# (optimizer, label, hyper, [(size, steps, kind), ...]), as generate_golden.CASES.
CASES = [
    ("LAMB", "default", {"lr": 1e-3},
     [(33, 12, "normal"), (17, 15, "wide"), (7, 15, "sparse"), (67, 100, "mixed")]),
    ("LAMB", "wd+maximize", {"lr": 1e-2, "weight_decay": 0.1, "maximize": True},
     [(100, 12, "normal"), (1, 12, "wide"), (89, 100, "wide")]),
    ("LAMB", "no_bias_correction+trust_clip",
     {"lr": 1e-2, "betas": [0.8, 0.99], "eps": 1e-4, "bias_correction": False, "trust_clip": True},
     [(33, 14, "huge"), (17, 12, "sparse")]),
    ("LAMB", "no_trust_ratio", {"lr": 1e-2, "weight_decay": 0.01, "use_trust_ratio": False},
     [(17, 12, "tiny"), (33, 12, "wide")]),

    ("LARS", "default", {"lr": 1.0},
     [(33, 12, "normal"), (17, 15, "wide"), (7, 15, "sparse"), (73, 100, "mixed")]),
    ("LARS", "nesterov+wd+maximize", {"lr": 0.5, "weight_decay": 1e-3, "nesterov": True, "maximize": True},
     [(100, 12, "normal"), (1, 12, "wide"), (97, 100, "wide")]),
    ("LARS", "no_momentum+eps", {"lr": 0.1, "momentum": 0.0, "trust_coefficient": 0.01, "eps": 1e-3},
     [(33, 14, "huge"), (17, 12, "tiny")]),
    ("LARS", "no_trust_ratio", {"lr": 0.01, "weight_decay": 0.01, "use_trust_ratio": False},
     [(33, 12, "sparse"), (17, 12, "wide")]),
]


def run_case(opt_name, hyper, size, steps, kind, name):
    gen = torch.Generator().manual_seed(case_seed(name))
    init = torch.randn(size, generator=gen, dtype=DTYPE)
    grads = [make_grad(gen, kind, size) for _ in range(steps)]
    kwargs = {k: (tuple(v) if isinstance(v, list) else v) for k, v in hyper.items()}
    p = torch.nn.Parameter(init.clone())
    opt = OPTIMIZERS[opt_name]([p], **kwargs)
    params_after = []
    for g in grads:
        p.grad = g.clone()
        opt.step()
        params_after.append(to_floats(p.detach()))
    return {"name": name, "optimizer": opt_name, "hyper": hyper, "size": size, "steps": steps,
            "init": to_floats(init), "grads": [to_floats(g) for g in grads], "params": params_after}


def main():
    torch.set_num_threads(1)
    print("torch", torch.__version__)
    cases = []
    names = set()
    for opt_name, label, hyper, variants in CASES:
        assert "lr" in hyper, (opt_name, label)
        for size, steps, kind in variants:
            assert 10 <= steps <= 20 or is_long(size, steps), (opt_name, label, size, steps)
            name = "%s/%s/size%d/%s" % (opt_name, label, size, kind)
            assert name not in names, name
            names.add(name)
            cases.append(run_case(opt_name, hyper, size, steps, kind, name))
    text = json.dumps(cases, allow_nan=False, separators=(",", ":"))
    with gzip.GzipFile(OUT_PATH, "wb", mtime=0) as f:
        f.write(text.encode("utf-8"))
    print("wrote %d cases to %s (%d bytes)" % (len(cases), OUT_PATH, os.path.getsize(OUT_PATH)))


if __name__ == "__main__":
    main()
