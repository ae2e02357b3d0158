"""Reads a vecopt optimizer checkpoint with the safetensors package and checks every CRC32C.

    python3 read_checkpoint.py run/optimizer.safetensors

Not run by the build (the tests do not depend on Python); a manual check that the files are
safetensors files Python users can read. Needs numpy and safetensors.
"""
import json
import sys

from safetensors import safe_open
from safetensors.numpy import load_file


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def main(path):
    state = load_file(path)
    meta = safe_open(path, framework="np").metadata()
    assert meta["format"] == "vecopt-optimizer-state", meta.get("format")
    groups = json.loads(meta["groups"])
    assert "%08x" % crc32c(meta["groups"].encode()) == meta["groups_crc32c"], "groups metadata damaged"
    crcs = json.loads(meta["crc32c"])
    assert sorted(crcs) == sorted(state), "one CRC per tensor"
    for name, tensor in state.items():
        assert "%08x" % crc32c(tensor.tobytes()) == crcs[name], name + " damaged"
    print(f"{meta['optimizer']} checkpoint, version {meta['version']}, {len(groups)} groups:")
    for g, group in enumerate(groups):
        print(f"  group {g}: {group['hyperparameters']}")
        for p in group["params"]:
            buffers = {b: state[p["name"] + "/" + b].shape for b in p.get("buffers", [])}
            print(f"    {p['name']} ({p['size']} elements) step {p.get('step')} {buffers} {p.get('scalars', {})}")
    print(f"{len(state)} tensors, every CRC32C matches")


if __name__ == "__main__":
    main(sys.argv[1])
