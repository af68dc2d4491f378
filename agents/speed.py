"""The speed tricks of the domain's hot paths, fenced here so that the rest reads as plain Python.

* :func:`assemble` builds frozen pydantic models from values known to be valid through
  ``BaseModel``'s slot setters: ``model_construct`` costs ~10 µs a call in per-field bookkeeping,
  this ~1 µs (the replay builds millions of facts from validated events).
* :data:`fields` reads a model's instance dict, so that several fields cost one attribute lookup:
  a field read from the dict costs about half an attribute read of a pydantic model.
* :func:`collector_paused` pauses the cycle collector over a replay, and :func:`freeze` moves
  what lives as long as the process out of its reach (see each).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from operator import attrgetter
from typing import Any, TypeVar

from pydantic import BaseModel

Model = TypeVar("Model", bound=BaseModel)

fields: Callable[[BaseModel], dict[str, Any]] = attrgetter("__dict__")
"""The instance dict of a model: its fields by name."""

_new = object.__new__
# The setters of BaseModel's slots, called directly: ``object.__setattr__`` would look each one up.
_set_dict, _set_fields_set, _set_extra, _set_private = (
    BaseModel.__dict__[name].__set__
    for name in ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")
)


@cache
def _fields(model: type[BaseModel]) -> set[str]:
    # One fields-set shared by every instance of ``model``: each sets every field.
    # Safe, since the models are frozen and pydantic copies the set before any update.
    return set(model.model_fields)


def assemble(model: type[Model], values: dict[str, Any]) -> Model:
    """An instance of ``model`` holding ``values`` (valid by construction); missing fields take defaults."""
    names = _fields(model)
    if len(values) != len(names):
        for name in names - values.keys():
            values[name] = model.model_fields[name].get_default(call_default_factory=True)
    item = _new(model)
    _set_dict(item, values)
    _set_fields_set(item, names)
    _set_extra(item, None)
    _set_private(item, None)
    return item


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector meanwhile; after, freeze what was built and restore it.

    A fold allocates millions of small acyclic objects that reference counting
    frees; left running, the collector rescans the whole growing heap again and
    again, which costs about a third of the fold (``bench/cases/reduce.py``).
    Restored as it was, its first pass would then scan every object the fold
    made, which are all still young; :func:`gc.freeze` moves them out of its
    reach instead (they are still freed by reference counting, and hold no cycles).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()


def freeze() -> None:
    """Move every object alive now out of the cycle collector's reach, for a process whose objects
    loaded so far (a model, a framework, recovered tables) live as long as it does: each full
    collection would otherwise walk all of them again, stalling whatever the process was doing."""
    gc.freeze()
