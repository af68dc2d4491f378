"""Guards around faust-streaming and aiokafka behaviours that skip records after a rebalance.

Both were seen to lose records in the tests without them; each names the upstream behaviour it
works around, and ``tests/kafka/test_kafka_workarounds.py`` fails once that behaviour is gone (the
guard is then no longer needed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import faust


def seek_uncommitted_to_start(app: faust.App, sources: set[str]) -> None:
    """Make Faust's "seek to committed" seek a partition of ``sources`` without a commit (or at 0) to
    its start.

    Upstream: aiokafka's ``AIOKafkaConsumer.seek_to_committed`` seeks only partitions whose
    committed offset is above 0 and leaves the others where the fetcher stands (no upstream issue
    found). Faust drops the records it fetched while a rebalance held its flow and relies on that
    seek to read them again (``Consumer.perform_seek``), so without this they would be skipped. The
    seek goes to the partition's first offset, looked up first: aiokafka's ``seek_to_beginning``
    would leave the position unknown until its next fetch, and Faust's check of stalled partitions,
    which reads every position, then crashes the consumer.
    """
    consumer = app.consumer
    thread = consumer._thread
    original = consumer.seek_to_committed

    async def seek_to_start(fresh: list[Any]) -> None:
        client = thread._ensure_consumer()
        for tp, offset in (await client.beginning_offsets(fresh)).items():
            client.seek(tp, offset)

    async def seek_to_committed() -> Mapping[Any, int | None]:
        committed = await original()
        fresh = [tp for tp, offset in committed.items() if not offset and tp.topic in sources]
        if fresh:
            await thread.call_thread(seek_to_start, fresh)
        return committed

    consumer.seek_to_committed = seek_to_committed


def hold_flow_until_seek(app: faust.App) -> None:
    """Stop fetching once a rebalance's tables are recovered, until Faust has sought the stream
    partitions to their committed offsets (Faust resumes the flow itself once the seek is done).

    Upstream: faust-streaming's ``Recovery.on_recovery_completed`` resumes the stream partitions
    while the consumer still fetches and only then seeks them back to the committed offsets;
    records fetched in between reach the streams while their flow is suspended, are skipped
    unacknowledged, and the offset is never committed (or, with the gap bookkeeping, committed
    past them). faust-streaming/faust#216 (fixed by #217 for apps without tables only) and #253
    ("Stop fetching when flow stops") are the same race on other paths.
    """

    async def stop_flow(_sender: Any, **_kwargs: Any) -> None:
        app.consumer.stop_flow()

    app.on_rebalance_complete.connect(stop_flow)
