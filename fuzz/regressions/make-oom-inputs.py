#!/usr/bin/env python3
"""Writes the two out-of-memory regressions in decode_bundle/ (found by reading bundle.rs
while fuzzing; libFuzzer's small inputs cannot reach them: they need a large zstd frame).

  python3 fuzz/regressions/make-oom-inputs.py capacity 3000000 > decode_bundle/oom-changes-capacity.bundle
  python3 fuzz/regressions/make-oom-inputs.py nulls 9000000 > decode_bundle/oom-array-of-nulls.bundle

Bigger sizes scale the harm: within the 64 MB file cap and the 50:1 ratio cap, `nulls`
reaches 512 MiB of contents, about 16 GiB of decoded values. Needs the `zstd` program.
The contents follow bundle.rs as of this writing (head, structure, ids, text streams)."""
import json, random, subprocess, sys

def varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)

def zigzag(n):
    return (n << 1) ^ (n >> 63)

def field(b):
    return varint(len(b)) + b

def name(s):  # a name spelled out: 0, then its bytes
    return varint(0) + field(s)

def head(changes):
    return json.dumps({"format": "kinship-bundle/2", "schema": 1, "circle_id": "c", "sender_device": "d",
                       "have": {}, "member_haves": {}, "changes": changes, "words": False},
                      separators=(",", ":")).encode()

rng = random.Random(42)
kind, size = sys.argv[1], int(sys.argv[2])
if kind == "capacity":
    # A change count far above the structure stream's `size` bytes:
    # `Vec::with_capacity(head.changes.min(structure.len()))` reserves size x 184 bytes.
    # Random bytes keep the file within the 50:1 ratio cap.
    pad = rng.randbytes(size // 48)
    plain = field(head(2**40)) + field(pad + bytes(size - len(pad))) + field(b"")
elif kind == "nulls":
    # One well-formed change whose fields hold an array of `size` nulls: one byte each in
    # the contents, 32 bytes each as serde_json::Value. It decodes to Ok. Random letters
    # in the text stream keep the file within the 50:1 ratio cap.
    letters = bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
                    for _ in range(size // 36))
    change = name(b"d") + varint(zigzag(1)) + bytes([0]) + varint(zigzag(1_700_000_000_000)) + varint(0)
    change += name(b"meeting") + varint(0) + name(b"put")  # entity, a new id, op
    change += bytes([9]) + varint(2)  # an object of two fields
    change += name(b"a") + bytes([8]) + varint(size) + bytes(size)  # "a": [null, null, ...]
    change += name(b"b") + bytes([6])  # "b": the letters, from the text stream
    plain = field(head(1)) + field(change) + field(bytes(range(16))) + field(letters)
else:
    sys.exit("usage: make-oom-inputs.py capacity|nulls SIZE > FILE")
frame = subprocess.run(["zstd", "-3", "-c", "-q"], input=plain, capture_output=True, check=True).stdout
sys.stdout.buffer.write(b"KINSHIP\x01" + frame)
