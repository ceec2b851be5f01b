"""Core values (`FileReport`, `Verdict`, `Expr`...) ⇄ JSON-able data, for the cache.

Generic over frozen dataclasses, so a field added to a core value needs no change here.
Safe by construction — unlike pickle, decoding never runs code from the cache folder: it
only rebuilds dataclasses and enums defined in ``mathlint`` modules, plus tuples, lists,
dicts, sets, `Fraction` and complex numbers. A value of any other type cannot be encoded
(`TypeError`: the caller skips caching it); malformed data cannot be decoded (`ValueError`).

Shared objects (one `Context` referenced by 500 claims) are written once and referenced by
number afterwards, so the encoding stays small.

>>> from mathlint.parsers.span import Span
>>> s = Span("a.md", 0, 3, 1, 1, 1, 4)
>>> decode(encode((s, s))) == (s, s)
True
"""

from __future__ import annotations

import dataclasses
import importlib
from enum import Enum
from fractions import Fraction
from typing import Any

from .checker.rules import RULES, Rule

_PACKAGE = "mathlint"


def _name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _lookup(name: Any) -> type:
    if not isinstance(name, str) or ":" not in name:
        raise ValueError(f"bad class name {name!r}")
    module_name, qualname = name.split(":", 1)
    if module_name != _PACKAGE and not module_name.startswith(_PACKAGE + "."):
        raise ValueError(f"refusing to load {name!r}: not a mathlint class")
    obj: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    if not isinstance(obj, type):
        raise ValueError(f"{name!r} is not a class")
    return obj


def encode(value: Any, *, compared_only: bool = False) -> Any:
    """``value`` as JSON-able data; raises `TypeError` for a type outside the safe set.

    :param compared_only: leave out dataclass fields declared ``compare=False`` (source
        positions, notation notes): the encoding then identifies the *mathematics*, which is
        what a cache key needs; such an encoding is not meant to be decoded.
    """
    refs: dict[int, int] = {}

    def enc(v: Any) -> Any:
        if v is None or isinstance(v, (bool, int, float, str)) and not isinstance(v, Enum):
            return v
        if isinstance(v, tuple) and not hasattr(v, "_fields"):
            return [enc(x) for x in v]
        if isinstance(v, Enum):
            return {"enum": _name(type(v)), "v": enc(v.value)}
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            cls = type(v)
            if isinstance(v, Rule) and RULES.get(v.code) is v:
                return {"rule": v.code}  # keep the registry's object: `finding.rule is X` holds
            if not cls.__module__.startswith(_PACKAGE):
                raise TypeError(f"cannot cache a {_name(cls)}")
            if id(v) in refs:
                return {"ref": refs[id(v)]}
            refs[id(v)] = len(refs)
            return {"dc": _name(cls),
                    "f": {f.name: enc(getattr(v, f.name)) for f in dataclasses.fields(v)
                          if f.compare or not compared_only}}
        if isinstance(v, list):
            return {"list": [enc(x) for x in v]}
        if isinstance(v, (set, frozenset)):
            items = sorted((enc(x) for x in v), key=repr)
            return {"set": items, "frozen": isinstance(v, frozenset)}
        if isinstance(v, dict):
            return {"map": [[enc(k), enc(x)] for k, x in v.items()]}
        if isinstance(v, Fraction):
            return {"frac": [v.numerator, v.denominator]}
        if isinstance(v, complex):
            return {"complex": [v.real, v.imag]}
        raise TypeError(f"cannot cache a {type(v).__module__}.{type(v).__qualname__}")

    return enc(value)


def decode(data: Any) -> Any:
    """The value `encode` was given; raises `ValueError` for data it did not produce."""
    objects: list[Any] = []

    def dec(d: Any) -> Any:
        if d is None or isinstance(d, (bool, int, float, str)):
            return d
        if isinstance(d, list):
            return tuple(dec(x) for x in d)
        if not isinstance(d, dict) or len(d) not in (1, 2):
            raise ValueError(f"unexpected cache data {d!r:.80}")
        if "dc" in d:
            cls = _lookup(d["dc"])
            if not dataclasses.is_dataclass(cls):
                raise ValueError(f"{d['dc']!r} is not a dataclass")
            obj = object.__new__(cls)
            objects.append(obj)
            declared = {f.name: f for f in dataclasses.fields(cls)}
            for name, raw in d["f"].items():  # encoding order, so "ref" numbers line up
                if name not in declared:
                    raise ValueError(f"{d['dc']}: unknown field {name!r}")
                object.__setattr__(obj, name, dec(raw))
            for name, f in declared.items():
                if name in d["f"]:
                    continue
                if f.default is not dataclasses.MISSING:
                    object.__setattr__(obj, name, f.default)
                elif f.default_factory is not dataclasses.MISSING:
                    object.__setattr__(obj, name, f.default_factory())
                else:
                    raise ValueError(f"{d['dc']}: field {name!r} missing")
            return obj
        if "rule" in d:
            return RULES[d["rule"]]
        if "ref" in d:
            return objects[d["ref"]]
        if "enum" in d:
            cls = _lookup(d["enum"])
            if not issubclass(cls, Enum):
                raise ValueError(f"{d['enum']!r} is not an enum")
            return cls(dec(d["v"]))
        if "list" in d:
            return [dec(x) for x in d["list"]]
        if "set" in d:
            items = [dec(x) for x in d["set"]]
            return frozenset(items) if d.get("frozen") else set(items)
        if "map" in d:
            return {dec(k): dec(v) for k, v in d["map"]}
        if "frac" in d:
            return Fraction(*d["frac"])
        if "complex" in d:
            return complex(*d["complex"])
        raise ValueError(f"unexpected cache data {d!r:.80}")

    try:
        return dec(data)
    except ValueError:
        raise
    except (TypeError, KeyError, IndexError, AttributeError, ImportError) as exc:
        raise ValueError(f"malformed cache data: {exc}") from None
