"""Counter-based random numbers for polars frames, shared by the domains' demo sources.

Each value is a hash (SplitMix64's finalizer) of the seed, a named stream and the row's
own keys (service, day, slot...), not the next draw of a sequential generator. So a
row's values do not depend on which other rows are generated: moving or widening the
window leaves every overlapping record identical. The hash runs on whole columns
(``map_batches`` over Series arithmetic, which wraps on UInt64 as the mixer needs): as a
pure expression it would nest its input eight times per round and blow the plan up.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Final

import polars as pl
import pyarrow as pa

_MASK: Final = 2**64 - 1
_GOLDEN: Final = 0x9E3779B97F4A7C15


def _u64(value: int) -> pl.Series:
    return pl.Series([value & _MASK], dtype=pl.UInt64)


_SHIFT_30, _SHIFT_27, _SHIFT_31 = _u64(2**30), _u64(2**27), _u64(2**31)
_MULTIPLIER_1, _MULTIPLIER_2 = _u64(0xBF58476D1CE4E5B9), _u64(0x94D049BB133111EB)


def _mix(x: pl.Series) -> pl.Series:
    x = (x ^ (x // _SHIFT_30)) * _MULTIPLIER_1
    x = (x ^ (x // _SHIFT_27)) * _MULTIPLIER_2
    return x ^ (x // _SHIFT_31)


def _mix_int(x: int) -> int:
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


class RandomStreams:
    """Independent, reproducible streams of random values, one per name."""

    def __init__(self, seed: int) -> None:
        self._seed = seed & _MASK

    def bits(self, stream: str, *keys: pl.Expr | int) -> pl.Expr:
        """64 random bits for each row, determined by (seed, stream, keys); at least one
        key must be a column expression."""
        state = _mix_int(self._seed ^ _mix_int(zlib.crc32(stream.encode()) + _GOLDEN))
        columns = [key for key in keys if isinstance(key, pl.Expr)]
        if not columns:
            raise ValueError("bits() needs at least one column key")

        def hash_rows(series: Sequence[pl.Series]) -> pl.Series:
            by_column = iter(series)
            value = _u64(state)
            for key in keys:
                key_values = _u64(key) if isinstance(key, int) else next(by_column)
                value = _mix((value ^ key_values.cast(pl.UInt64)) + _u64(_GOLDEN))
            return value

        return pl.map_batches(columns, hash_rows, return_dtype=pl.UInt64)

    def uniform(self, stream: str, *keys: pl.Expr | int) -> pl.Expr:
        """Uniform in [0, 1), with 53 bits of precision."""
        return (self.bits(stream, *keys) // 2**11).cast(pl.Float64) * 2.0**-53

    def integers(self, stream: str, low: int, high: int, *keys: pl.Expr | int) -> pl.Expr:
        """Uniform integers in [low, high)."""
        span = self.uniform(stream, *keys) * (high - low)
        return (span.floor().cast(pl.Int64) + low).clip(low, high - 1)


def hex_digits(bits: pl.Series) -> pl.Series:
    """16 lowercase hex digits per UInt64 value (its little-endian bytes), vectorized by
    viewing the values' buffer as 8-byte binaries."""
    array = bits.cast(pl.UInt64).rechunk().to_arrow()
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    as_bytes = pa.Array.from_buffers(
        pa.binary(8), len(array), [None, array.buffers()[1]], offset=array.offset
    )
    return pl.Series(bits.name, as_bytes).cast(pl.Binary).bin.encode("hex")
