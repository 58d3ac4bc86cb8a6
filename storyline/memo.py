"""A bounded memo of recent results, for inputs that repeat in a stream (copies, page furniture)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class RecentMemo(Generic[K, V]):
    """``fn(key)``, remembered in two generations of up to ``size`` keys each: when the newer one
    fills, the older is dropped. A hit returns the same object ``fn`` returned (do not modify it)."""

    def __init__(self, fn: Callable[[K], V], size: int) -> None:
        self.fn = fn
        self.size = size
        self.new: dict[K, V] = {}
        self.old: dict[K, V] = {}

    def __call__(self, key: K) -> V:
        out = self.new.get(key)
        if out is None:
            out = self.old.get(key)
            if out is None:
                out = self.fn(key)
            if len(self.new) >= self.size:
                self.old, self.new = self.new, {}
            self.new[key] = out
        return out

    def __len__(self) -> int:
        return len(self.new) + len(self.old)

    def clear(self) -> None:
        self.new, self.old = {}, {}
