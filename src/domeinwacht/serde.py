"""Plain JSON for frozen dataclasses, so that observations can be stored and re-evaluated later.

``to_jsonable`` turns dataclasses, enums, tuples, datetimes, bytes and IP addresses into JSON values;
``from_jsonable(cls, data)`` rebuilds ``cls`` from them using its type hints. Only the types we use are
supported, and anything else raises ``TypeError`` instead of being silently mangled.
"""

from __future__ import annotations

import base64
import dataclasses
import ipaddress
import types
import typing
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any, TypeVar, Union, get_args, get_origin

T = TypeVar("T")


def to_jsonable(value: Any) -> Any:
    """A JSON-serialisable copy of ``value``."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, ipaddress.IPv4Address | ipaddress.IPv6Address):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [to_jsonable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    raise TypeError(f"cannot serialise {type(value).__name__}")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_jsonable(cls: type[T] | Any, data: Any) -> T:
    """Rebuild a value of type ``cls`` from ``to_jsonable`` output."""
    return typing.cast(T, _build(cls, data))


def _build(tp: Any, data: Any) -> Any:
    origin = get_origin(tp)
    if tp is Any:
        return data
    if origin in (Union, types.UnionType):
        args = get_args(tp)
        if data is None and type(None) in args:
            return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _build(arg, data)
            except (TypeError, ValueError, KeyError) as exc:
                errors.append(exc)
        raise TypeError(f"no member of {tp} accepts {data!r}: {errors}")
    if origin is typing.Literal:
        if data not in get_args(tp):
            raise ValueError(f"{data!r} not in {tp}")
        return data
    if origin in (list, tuple, set, frozenset, typing.Sequence, typing.AbstractSet):
        args = get_args(tp)
        if origin is tuple and args and args[-1] is not Ellipsis:
            return tuple(_build(a, v) for a, v in zip(args, data, strict=True))
        item = args[0] if args else Any
        built = [_build(item, v) for v in data]
        if origin in (list, typing.Sequence):
            return built if origin is list else tuple(built)
        if origin in (set, frozenset, typing.AbstractSet):
            return frozenset(built)
        return tuple(built)
    if origin in (dict, typing.Mapping):
        kt, vt = get_args(tp) or (Any, Any)
        return {_build(kt, k): _build(vt, v) for k, v in data.items()}
    if isinstance(tp, type):
        if dataclasses.is_dataclass(tp):
            hints = _hints(tp)
            kwargs = {
                f.name: _build(hints[f.name], data[f.name]) for f in dataclasses.fields(tp) if f.init and f.name in data
            }
            return tp(**kwargs)
        if issubclass(tp, Enum):
            return tp(data)
        if tp is datetime:
            return datetime.fromisoformat(data)
        if tp is date:
            return date.fromisoformat(data)
        if tp is bytes:
            return base64.b64decode(data)
        if tp in (ipaddress.IPv4Address, ipaddress.IPv6Address):
            return tp(data)
        if tp is float and isinstance(data, int | float):
            return float(data)
        if tp in (bool, int, str) and isinstance(data, tp):
            return data
        if tp is type(None) and data is None:
            return None
    raise TypeError(f"cannot rebuild {tp!r} from {data!r}")
