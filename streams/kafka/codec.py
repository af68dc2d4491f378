"""A Faust codec for Entente's pydantic messages: orjson on the wire, the model's own upcasting on read."""

from __future__ import annotations

from typing import Any

from faust.serializers.codecs import Codec

from schemas.base import Message


class MessageCodec(Codec):
    """Encodes one :class:`~schemas.base.Message` type with ``dumps`` and decodes it with ``loads``."""

    def __init__(self, model: type[Message], **kwargs: Any) -> None:
        super().__init__(model=model, **kwargs)
        self.model = model

    def _dumps(self, obj: Any) -> bytes:
        if not isinstance(obj, self.model):
            raise TypeError(f"expected {self.model.__name__}, got {type(obj).__name__}")
        return obj.dumps()

    def _loads(self, s: bytes) -> Message:
        return self.model.loads(s)
