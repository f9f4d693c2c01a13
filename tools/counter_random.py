"""Counter-based random numbers, bit-identical to Swift's `Networks.CounterRandom`.

Used by make_network_fixtures.py so that full-width seeded weights can be regenerated in Swift
instead of being committed. Needs only NumPy. Element i (0-based) of the stream `name` under `seed`:

1. h = FNV-1a-64(UTF-8 bytes of name) (offset basis 0xcbf29ce484222325, prime 0x100000001b3);
2. z = (seed XOR h) + (i + 1) * 0x9E3779B97F4A7C15                 (mod 2**64);
3. z = (z ^ z>>30) * 0xBF58476D1CE4E5B9; z = (z ^ z>>27) * 0x94D049BB133111EB; z = z ^ z>>31;
4. k = z >> 40 (24 bits); u = float32(k - 2**23) / 2**23            (exact, in [-1, 1));
5. value = float32(center) + float32(half_width) * u                 (float32 ops, each rounded once).

`parity_range(name, shape)` is the rule choosing (center, half_width) for a network parameter; the
Swift tests use the same rule (Tests/NetworksTests/ParityWeights.swift).
"""

import math

import numpy as np

_MASK = (1 << 64) - 1


def name_hash(name: str) -> int:
    h = 0xCBF29CE484222325
    for byte in name.encode("utf-8"):
        h ^= byte
        h = (h * 0x100000001B3) & _MASK
    return h


def unit(seed: int, name: str, count: int) -> np.ndarray:
    """Steps 1-4: `count` exact float32 values in [-1, 1)."""
    key = np.uint64((seed ^ name_hash(name)) & _MASK)
    i = np.arange(1, count + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = key + i * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    k = (z >> np.uint64(40)).astype(np.int64) - (1 << 23)
    return k.astype(np.float32) / np.float32(1 << 23)


def values(seed: int, name: str, shape, center: float = 0.0, half_width: float = 1.0) -> np.ndarray:
    """Step 5: a float32 array of `shape` (row-major stream order)."""
    count = int(np.prod(shape, dtype=np.int64))
    u = unit(seed, name, count)
    out = np.float32(center) + np.float32(half_width) * u
    return out.astype(np.float32).reshape(shape)


def parity_range(name: str, shape) -> tuple:
    """(center, half_width) of a parameter in the parity fixtures.

    running_var: 1 ± 0.5; running_mean: 0 ± 0.2; other rank-1 `weight` (BN gamma): 1 ± 0.5;
    rank-1 `bias`: 0 ± 0.2; rank >= 2 (conv, linear): 0 ± float32(sqrt(6 / fan_in)), fan_in =
    product(shape[1:]) (He-uniform).
    """
    if name.endswith("running_var"):
        return 1.0, 0.5
    if name.endswith("running_mean"):
        return 0.0, 0.2
    if len(shape) == 1:
        return (1.0, 0.5) if name.endswith("weight") else (0.0, 0.2)
    fan_in = int(np.prod(shape[1:], dtype=np.int64))
    return 0.0, float(np.float32(math.sqrt(6.0 / fan_in)))


def parity_tensor(seed: int, name: str, shape) -> np.ndarray:
    """The parity-fixture value of parameter `name`."""
    center, half = parity_range(name, shape)
    return values(seed, name, tuple(shape), center, half)
