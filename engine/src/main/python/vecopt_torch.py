#!/usr/bin/env python3
"""Exchanges optimizer state between PyTorch and vecopt.

PyTorch keeps an optimizer's state in ``optimizer.state_dict()``, keyed by parameter index; vecopt
keeps it in a checkpoint file (safetensors, format ``vecopt-optimizer-state`` version 2), keyed by
parameter name.  This module converts one into the other, given the parameter names in the
optimizer's order (``[name for name, _ in model.named_parameters()]`` when the optimizer was built
from ``model.parameters()``):

    import vecopt_torch
    vecopt_torch.save_torch_state(optimizer, names, "adam.safetensors")  # torch -> vecopt
    ...                                                                    # Checkpoints.load in Java
    vecopt_torch.load_vecopt_state(optimizer, names, "adam.safetensors")  # vecopt -> torch

What is carried: every group's hyperparameters (``betas`` is vecopt's ``beta1``, ``beta2``; torch's
implementation switches ``foreach``, ``fused``, ``capturable``, ``differentiable`` and a scheduler's
``initial_lr`` are torch's own and stay as the torch optimizer has them; vecopt's ``Adam`` adds
``decoupled_weight_decay``, false for torch's Adam), each parameter's step count (torch's ``step``;
torch's SGD keeps none, so ``steps`` is asked for, 1 by default), its state tensors as vecopt
buffers and its 0-dimensional tensors (NAdam's ``mu_product``) as vecopt scalars.  The vecopt
step settings are written as vecopt's defaults (no clipping, no noise, non-finite gradients refused)
and no scheduler position is written: attach no scheduler when loading such a file in vecopt, and
carry scheduler state separately.  vecopt validates everything when it loads the file.

Needs only torch and the standard library.  The CRC32C checksums are computed in Python (a table
per byte), a few MB/s: fine for tests and small models; install the ``crc32c`` package for speed.
"""
import json
import struct

import torch

FORMAT = "vecopt-optimizer-state"
VERSION = "2"

# torch group keys that are implementation switches or scheduler bookkeeping, not hyperparameters
TORCH_ONLY = {"params", "foreach", "fused", "capturable", "differentiable", "initial_lr"}
# vecopt hyperparameters torch's class does not have, with the value that means torch's behaviour
VECOPT_ONLY = {"Adam": {"decoupled_weight_decay": False}}


def _crc32c_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc32c_table()


def crc32c(data):
    """CRC32C (Castagnoli) of ``data``, as java.util.zip.CRC32C computes it."""
    try:
        import crc32c as fast  # optional
        return fast.crc32c(data)
    except ImportError:
        pass
    c = 0xFFFFFFFF
    table = _TABLE
    for b in data:
        c = table[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def _hex(data):
    return "%08x" % crc32c(data)


def _number(value, what):
    if isinstance(value, bool):
        return value
    if isinstance(value, torch.Tensor):
        value = value.item()
    value = float(value)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("%s must be finite, got %r" % (what, value))
    return value


def _vecopt_hyperparameters(cls, group):
    h = {}
    for key, value in group.items():
        if key in TORCH_ONLY:
            continue
        if key == "betas":
            h["beta1"] = _number(value[0], "betas[0]")
            h["beta2"] = _number(value[1], "betas[1]")
        elif isinstance(value, bool):
            h[key] = value
        else:
            h[key] = _number(value, key)
    for key, value in VECOPT_ONLY.get(cls, {}).items():
        h.setdefault(key, value)
    return h


def torch_to_vecopt(state_dict, names, shapes, optimizer_class, steps=1):
    """The bytes of a vecopt checkpoint holding ``state_dict`` (``optimizer.state_dict()``).

    names: parameter names in the optimizer's order (index i of the state dict is names[i]);
    shapes: their shapes, in the same order; optimizer_class: the torch.optim class name;
    steps: the step count of parameters whose torch state has no ``step`` (SGD).
    """
    if len(names) != len(shapes):
        raise ValueError("names and shapes must be as long, got %d and %d" % (len(names), len(shapes)))
    if len(set(names)) != len(names):
        raise ValueError("names must be distinct, got %r" % (names,))
    groups = []
    tensors = []  # (name, shape, float32 bytes)
    for g, group in enumerate(state_dict["param_groups"]):
        params = []
        for index in group["params"]:
            if not 0 <= index < len(names):
                raise ValueError("group %d lists parameter index %d; %d names given" % (g, index, len(names)))
            name, shape = names[index], list(shapes[index])
            size = 1
            for d in shape:
                size *= d
            entry = {"name": name, "size": size}
            state = state_dict["state"].get(index)
            if state:
                step = state.get("step", steps)
                step = int(step.item()) if isinstance(step, torch.Tensor) else int(step)
                buffers, scalars = [], {}
                for key, value in state.items():
                    if key == "step" or value is None:
                        continue
                    if not isinstance(value, torch.Tensor):
                        raise ValueError("parameter %s: state %s is %r, not a tensor" % (name, key, value))
                    if value.dim() == 0:
                        scalars[key] = float(value.item())
                    else:
                        if value.numel() != size:
                            raise ValueError("parameter %s: state %s has %d elements, the parameter %d"
                                             % (name, key, value.numel(), size))
                        buffers.append(key)
                        data = value.detach().to(torch.float32).contiguous().reshape(-1).numpy().tobytes()
                        tensors.append((name + "/" + key, shape, data))
                entry.update({"step": step, "buffers": buffers, "scalars": scalars})
            params.append(entry)
        groups.append({"hyperparameters": _vecopt_hyperparameters(optimizer_class, group), "params": params})
    groups_text = json.dumps(groups, separators=(",", ":"))
    settings_text = json.dumps({"skipped_steps": 0, "non_finite_policy": "ERROR",
                                "gradient_clipping": {"kind": "none"},
                                "gradient_noise": {"eta": 0.0, "gamma": 0.55, "seed": 0}}, separators=(",", ":"))
    schedulers_text = "[]"
    header = {"__metadata__": {
        "format": FORMAT, "version": VERSION, "optimizer": optimizer_class,
        "groups": groups_text, "groups_crc32c": _hex(groups_text.encode("utf-8")),
        "settings": settings_text, "settings_crc32c": _hex(settings_text.encode("utf-8")),
        "schedulers": schedulers_text, "schedulers_crc32c": _hex(schedulers_text.encode("utf-8")),
        "crc32c": json.dumps({n: _hex(d) for n, _, d in tensors}, separators=(",", ":")),
    }}
    offset = 0
    for name, shape, data in tensors:
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(d for _, _, d in tensors)


def read_vecopt(data):
    """(metadata, groups, tensors) of a vecopt checkpoint's bytes, tensors as float32 torch tensors."""
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length].decode("utf-8"))
    metadata = header.pop("__metadata__")
    if metadata.get("format") != FORMAT or metadata.get("version") != VERSION:
        raise ValueError("not a vecopt checkpoint of version %s: %r" % (VERSION, metadata.get("format")))
    for key in ("groups", "settings", "schedulers"):
        if _hex(metadata[key].encode("utf-8")) != metadata[key + "_crc32c"]:
            raise ValueError("the %s metadata is damaged" % key)
    crcs = json.loads(metadata["crc32c"])
    body = data[8 + length:]
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        raw = body[begin:end]
        if _hex(raw) != crcs[name]:
            raise ValueError("tensor %s is damaged" % name)
        tensors[name] = torch.frombuffer(bytearray(raw), dtype=torch.float32).reshape(info["shape"])
    return metadata, json.loads(metadata["groups"]), tensors


def vecopt_to_torch(data, names, template):
    """``template`` (an optimizer's own ``state_dict()``) with the state and hyperparameters of the vecopt
    checkpoint ``data``: torch's implementation switches stay the template's."""
    metadata, groups, tensors = read_vecopt(data)
    if len(groups) != len(template["param_groups"]):
        raise ValueError("the checkpoint has %d groups, the optimizer %d" % (len(groups), len(template["param_groups"])))
    index_of = {n: i for i, n in enumerate(names)}
    state = {}
    param_groups = []
    for saved, group in zip(groups, template["param_groups"]):
        group = dict(group)
        h = saved["hyperparameters"]
        for key, value in h.items():
            if key in ("beta1", "beta2"):
                continue
            if key in VECOPT_ONLY.get(metadata["optimizer"], {}):
                if value != VECOPT_ONLY[metadata["optimizer"]][key]:
                    raise ValueError("%s=%r has no torch.optim.%s equivalent" % (key, value, metadata["optimizer"]))
                continue
            if key not in group:
                raise ValueError("torch.optim.%s has no hyperparameter %s" % (metadata["optimizer"], key))
            group[key] = value
        if "beta1" in h:
            group["betas"] = (h["beta1"], h["beta2"])
        listed = [index_of[p["name"]] for p in saved["params"]]
        if listed != list(group["params"]):
            raise ValueError("the checkpoint's group lists %r, the optimizer's %r"
                             % ([p["name"] for p in saved["params"]], [names[i] for i in group["params"]]))
        for p in saved["params"]:
            if "step" not in p:
                continue
            s = {}
            if metadata["optimizer"] != "SGD":
                s["step"] = torch.tensor(float(p["step"]))
            for b in p["buffers"]:
                s[b] = tensors[p["name"] + "/" + b].clone()
            for k, v in p["scalars"].items():
                s[k] = torch.tensor(float(v))
            state[index_of[p["name"]]] = s
        param_groups.append(group)
    return {"state": state, "param_groups": param_groups}


def save_torch_state(optimizer, names, path, steps=1):
    """Writes ``optimizer``'s state as a vecopt checkpoint file at ``path``."""
    shapes = [list(p.shape) for g in optimizer.param_groups for p in g["params"]]
    data = torch_to_vecopt(optimizer.state_dict(), names, shapes, type(optimizer).__name__, steps)
    with open(path, "wb") as f:
        f.write(data)


def load_vecopt_state(optimizer, names, path):
    """Loads the vecopt checkpoint at ``path`` into ``optimizer`` (built over the same parameters)."""
    with open(path, "rb") as f:
        data = f.read()
    optimizer.load_state_dict(vecopt_to_torch(data, names, optimizer.state_dict()))
