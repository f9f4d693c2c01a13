"""Rewrites a safetensors checkpoint with every F32 tensor stored as F16 (half the bytes), keeping
the metadata and every other tensor as they are. The default model ships this way
(eval/DEFAULT_MODEL.md); the loaders convert F16 back to Float.

    python3 tools/checkpoint_to_f16.py IN.safetensors OUT.safetensors

Refuses a tensor with values beyond F16's range (±65504). Prints how many nonzero values became 0
(those below F16's smallest subnormal, 6e-8) and the largest relative rounding error of the rest.
Needs numpy only.
"""
import json
import os
import struct
import sys

import numpy as np


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: python3 tools/checkpoint_to_f16.py IN.safetensors OUT.safetensors")
    source, target = sys.argv[1], sys.argv[2]
    try:
        data = open(source, "rb").read()
    except OSError as error:
        sys.exit(f"{source}: {error.strerror}")
    if len(data) < 8:
        sys.exit(f"{source}: not a safetensors file ({len(data)} bytes)")
    (length,) = struct.unpack("<Q", data[:8])
    if 8 + length > len(data):
        sys.exit(f"{source}: header of {length} bytes runs past the file's {len(data)} bytes")
    try:
        header = json.loads(data[8:8 + length])
    except ValueError as error:
        sys.exit(f"{source}: header is not JSON: {error}")
    body = data[8 + length:]
    out_header, chunks, offset, worst, flushed = {}, [], 0, 0.0, 0
    for name, entry in header.items():
        if name == "__metadata__":
            out_header[name] = entry
            continue
        start, end = entry["data_offsets"]
        if not 0 <= start <= end <= len(body):
            sys.exit(f"{source}: {name}: data offsets {start}..{end} outside the {len(body)} bytes of data")
        raw = body[start:end]
        dtype = entry["dtype"]
        if dtype == "F32":
            if len(raw) != 4 * int(np.prod(entry["shape"], dtype=np.int64)):
                sys.exit(f"{source}: {name}: {len(raw)} bytes for F32 shape {entry['shape']}")
            values = np.frombuffer(raw, dtype="<f4")
            half = values.astype("<f2")
            if not np.all(np.isfinite(half)):
                sys.exit(f"{name}: values beyond F16's range ({values.min()}..{values.max()})")
            flushed += int(np.count_nonzero((half == 0) & (values != 0)))
            nonzero = half != 0
            if nonzero.any():
                error = np.abs(half.astype(np.float32) - values)[nonzero] / np.abs(values[nonzero])
                worst = max(worst, float(error.max()))
            raw, dtype = half.tobytes(), "F16"
        out_header[name] = {"dtype": dtype, "shape": entry["shape"], "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    encoded = json.dumps(out_header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(target + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(encoded)) + encoded + b"".join(chunks))
    os.replace(target + ".tmp", target)
    print(f"{target}: {8 + len(encoded) + offset} bytes; {flushed} tiny values became 0; "
          f"largest relative rounding error {worst:.2e}")


if __name__ == "__main__":
    main()
