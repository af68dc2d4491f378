"""``open_runtime``: the runtime the broker of the settings names, Kafka's imported only when named."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from streams.config import Settings
from streams.runtime import open_runtime
from streams.runtime.embedded import EmbeddedRuntime
from streams.runtime.kafka import KafkaRuntime


def test_embedded_opens_the_log_of_the_data_directory(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", broker="embedded")
    runtime = open_runtime(settings)
    try:
        assert isinstance(runtime, EmbeddedRuntime)
        assert runtime.settings is settings
        assert runtime.log.path.parent == tmp_path / "home"
    finally:
        runtime.close()


def test_a_kafka_url_opens_the_kafka_runtime_on_that_bootstrap(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, broker="kafka://127.0.0.1:19092")
    runtime = open_runtime(settings)
    assert isinstance(runtime, KafkaRuntime)
    assert (runtime.bootstrap, runtime.settings) == ("127.0.0.1:19092", settings)


def test_any_other_broker_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=re.escape("got 'nats://127.0.0.1:4222'")):
        open_runtime(Settings(home=tmp_path, broker="nats://127.0.0.1:4222"))


def test_the_embedded_runtime_never_imports_kafka(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom pathlib import Path\nfrom streams.config import Settings\n"
        "from streams.runtime import open_runtime\n"
        f"open_runtime(Settings(home=Path({str(tmp_path)!r}))).close()\n"
        "print(sorted(name for name in sys.modules if name.startswith(('aiokafka', 'faust', 'streams.kafka'))"
        " or name == 'streams.runtime.kafka'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
