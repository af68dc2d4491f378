"""The endpoints: state and events over REST, article ingest, live streams, health and metrics."""

from __future__ import annotations

import asyncio
import datetime as dt
from functools import partial
from pathlib import Path
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from agents import reduce
from agents.kb import load_kb
from agents.reduce.standard import ALLIANCES, ZONES
from agents.reduce.tables import Table, every, get, names
from schemas import Article
from schemas.event import PloverType
from schemas.state import Row
from streams import dlq
from streams.api.endpoint import JSON, Endpoint, Handler, Param, Reply, ref
from streams.api.errors import ApiError
from streams.api.evidence import LIMIT, POINTS, atlas, evidence, history
from streams.api.guard import read_body, require_token
from streams.api.hub import Client
from streams.api.metrics import exposition
from streams.api.openapi import document, view_name
from streams.api.reads import EventFilter
from streams.api.service import Service
from streams.api.sse import EventStream, last_event_id
from streams.corrections import assignments, correction
from streams.ingest.files import BOM, article_from_object
from streams.runtime.base import Refused
from streams.subscribe import ChangeFilter

STATIC = Path(__file__).resolve().parent / "static"
PAGE_DEFAULT = 100
PAGE_MAX = 1_000
DASHBOARD_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


def service(request: Request) -> Service:
    """The running service of the app."""
    return request.app.state.service  # type: ignore[no-any-return]


def json(value: Any, status: int = 200) -> Response:
    """A JSON response (``value`` already encoded when it is bytes)."""
    body = value if isinstance(value, bytes) else orjson.dumps(value)
    return Response(body, status_code=status, media_type=JSON)


def text(request: Request, name: str) -> str | None:
    """A query parameter, ``None`` when absent or empty."""
    return request.query_params.get(name) or None


def day(request: Request, name: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` query parameter."""
    value = text(request, name)
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ApiError(400, f"{name} must be a date (YYYY-MM-DD), got {value!r}") from exc


def moment(request: Request, name: str) -> dt.datetime | None:
    """An ISO 8601 date-time query parameter, UTC when it names no offset."""
    value = text(request, name)
    if value is None:
        return None
    try:
        found = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise ApiError(400, f"{name} must be a date-time (ISO 8601), got {value!r}") from exc
    return found if found.tzinfo is not None else found.replace(tzinfo=dt.UTC)


def number(request: Request, name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter within ``[low, high]``."""
    value = text(request, name)
    if value is None:
        return default
    try:
        parsed = int(value)
    except ValueError as exc:
        raise ApiError(400, f"{name} must be an integer, got {value!r}") from exc
    if not low <= parsed <= high:
        raise ApiError(400, f"{name} must be between {low} and {high}, got {parsed}")
    return parsed


def choice(request: Request, name: str, allowed: tuple[str, ...]) -> str | None:
    """A query parameter that must be one of ``allowed``."""
    value = text(request, name)
    if value is not None and value not in allowed:
        raise ApiError(400, f"{name} must be one of {', '.join(allowed)}; got {value!r}")
    return value


PLOVER = tuple(kind.value for kind in PloverType)


# -- state ----------------------------------------------------------------------


def fields(request: Request, table: str) -> tuple[str, ...] | None:
    """The ``fields`` a listing should keep (comma-separated), ``None`` for whole views."""
    value = text(request, "fields")
    if value is None:
        return None
    allowed = get(table).fields
    wanted = tuple(dict.fromkeys(name.strip() for name in value.split(",") if name.strip()))
    if unknown := [name for name in wanted if name not in allowed]:
        raise ApiError(400, f"unknown fields {', '.join(unknown)}; a {table} view has {', '.join(allowed)}")
    return wanted or None


def listed(request: Request, table: str) -> Response:
    """A whole listing, or 304 when the client's ``If-None-Match`` names the listing as it is."""
    tag, body = service(request).reads.table(
        table, day(request, "as_of"), fields(request, table), moment(request, "known_at")
    )
    headers = {"ETag": tag, "Cache-Control": "no-cache"}
    if tag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=JSON, headers=headers)


def found_row(request: Request, table: str, key: str) -> Row:
    """The row ``table[key]`` live, ``as_of`` or ``known_at`` as the request asks, or 404."""
    row = service(request).reads.row(table, key, day(request, "as_of"), moment(request, "known_at"))
    if row is None:
        raise ApiError(404, f"no {table} row {key!r}")
    return row


def explained(request: Request, table: str, key: str, name: str) -> Response:
    """One row's view and a page of its audit chain (``limit``, ``offset``, ``on``), or 404."""
    reads = service(request).reads
    found = reads.ranked(table, key, day(request, "as_of"), moment(request, "known_at"))
    if found is None:
        raise ApiError(404, f"no {table} row {key!r}")
    row, ranked = found
    offset = number(request, "offset", 0, 0, 2**31)
    limit = number(request, "limit", LIMIT, 1, PAGE_MAX)
    page = evidence(ranked, offset, limit, reads.article, day(request, "on"))
    return json({name: reduce.view(row), "why": page})


def table_handlers(table: Table) -> tuple[Handler, Handler, Handler]:
    """The handlers of ``GET /{table}`` (the listing), of one row and of its history, named as the
    table and its row."""
    name, api = table.name, table.api

    def key(request: Request) -> str:
        try:
            return api.key(*(request.path_params[param] for param, _ in api.params))
        except ValueError as exc:
            raise ApiError(400, str(exc)) from exc

    async def listing(request: Request) -> Response:
        return listed(request, name)

    async def one(request: Request) -> Response:
        return explained(request, name, key(request), api.one)

    async def timeline(request: Request) -> Response:
        row_key = key(request)
        return json(await asyncio.to_thread(history, found_row(request, name, row_key), name, row_key))

    listing.__name__, one.__name__, timeline.__name__ = name, api.one, f"{api.one}_timeline"
    return listing, one, timeline


async def atlas_of_state(request: Request) -> Response:
    """The knowledge base's names and codes of the live state's actors, and its zones' centres."""
    live = service(request).reads.live
    live.catch_up()
    views = live.views
    zones = views.get(ZONES.name, {}).values()
    actors = [side for view in views.get(ALLIANCES.name, {}).values() for side in (view["a"], view["b"])]
    actors += [actor for view in zones for part in PARTS for actor in view[part]]
    kb = await asyncio.to_thread(load_kb)
    return json(atlas(kb, actors, (view["zone"] for view in zones)))


PARTS = ("parties", "deployed", "controlled_by")
"""The fields of a zone's view that name actors."""


# -- events and articles ----------------------------------------------------------


def event_filter(request: Request) -> EventFilter:
    """The actor/zone/type/date filter of an events request; ``as_of`` caps ``until``."""
    until, as_of = day(request, "until"), day(request, "as_of")
    if as_of is not None:
        until = as_of if until is None else min(until, as_of)
    return EventFilter(
        actor=text(request, "actor"),
        zone=text(request, "zone"),
        type=choice(request, "type", PLOVER),
        since=day(request, "since"),
        until=until,
    )


async def events(request: Request) -> Response:
    wanted = event_filter(request)
    after = number(request, "after", -1, -1, 2**62)
    limit = number(request, "limit", PAGE_DEFAULT, 1, PAGE_MAX)
    found, cursor = service(request).reads.events(wanted, after, limit)
    return json({"events": found, "next": cursor})


async def article(request: Request) -> Response:
    article_id, as_of = request.path_params["id"], day(request, "as_of")
    found = service(request).reads.article(article_id)
    if found is None or (as_of is not None and (found.published is None or found.published > as_of)):
        raise ApiError(
            404, f"no article {article_id!r}" + ("" if as_of is None else f" published by {as_of}")
        )
    return json(found.model_dump(mode="json"))


def excerpt(record: Any) -> bytes:
    """``record`` as JSON for a dead letter to quote; nothing when it is nested too deep to encode."""
    try:
        return orjson.dumps(record)
    except orjson.JSONEncodeError:
        return b""


async def post_articles(request: Request) -> Response:
    """Validate and publish one article (an object) or several (an array), as ``entente ingest`` does."""
    running = service(request)
    require_token(request, running.config.token)
    body = await read_body(request, running.config.max_body)
    try:
        payload = orjson.loads(body.removeprefix(BOM))
    except orjson.JSONDecodeError as exc:
        raise ApiError(400, f"malformed JSON: {exc}") from exc
    records = payload if isinstance(payload, list) else [payload]
    if not records:
        raise ApiError(400, "no articles given: send an object or a non-empty array")
    items = [
        article_from_object(record, f"POST /articles[{n}]", excerpt(record))
        for n, record in enumerate(records)
    ]
    summary = await running.publish(items)
    reply = summary.as_dict() | {"ids": [item.id for _origin, item in items if isinstance(item, Article)]}
    if summary.rejected and not summary.published and not summary.duplicates:
        return json({"error": "no valid article", **reply}, 422)
    return json(reply, 202)


async def dead_letters(request: Request) -> Response:
    """A page of dead letters after the offset ``after``, as ``entente dlq list --json`` gives them."""
    after = number(request, "after", -1, -1, 2**62)
    limit = number(request, "limit", PAGE_DEFAULT, 1, PAGE_MAX)
    later = [entry for entry in await service(request).dead_letters() if entry.offset > after]
    page = later[:limit]
    cursor = page[-1].offset if len(later) > limit else None
    return json({"dead_letters": [entry.summary() for entry in page], "next": cursor})


async def replay_dead_letters(request: Request) -> Response:
    """Replay the dead letters of the body's ``offsets`` (none, or no body: every one not yet replayed)."""
    running = service(request)
    require_token(request, running.config.token)
    body = await read_body(request, running.config.max_body)
    try:
        payload = orjson.loads(body) if body.strip() else {}
    except orjson.JSONDecodeError as exc:
        raise ApiError(400, f"malformed JSON: {exc}") from exc
    given = payload.get("offsets", []) if isinstance(payload, dict) else None
    if not isinstance(given, list):
        raise ApiError(400, 'send an object {"offsets": [OFFSET, ...]} or no body')
    try:
        outcomes = await running.replay(dlq.parse_offsets(map(str, given)))
    except dlq.UnknownOffset as exc:
        raise ApiError(400, str(exc)) from exc
    return json({"outcomes": [outcome.as_dict() for outcome in outcomes]})


# -- corrections ------------------------------------------------------------------


async def correction_body(request: Request) -> dict[str, Any]:
    """The JSON object a correction is posted as, its ``reason`` and ``by`` texts checked."""
    running = service(request)
    require_token(request, running.config.token)
    body = await read_body(request, running.config.max_body)
    try:
        payload = orjson.loads(body) if body.strip() else None
    except orjson.JSONDecodeError as exc:
        raise ApiError(400, f"malformed JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise ApiError(400, 'send an object {"reason": TEXT, "by": NAME}')
    for name in ("reason", "by"):
        if not isinstance(payload.get(name), str) or not payload[name].strip():
            raise ApiError(400, f"{name}: a non-empty text is required")
    return payload


async def corrected(request: Request, made: Any) -> Response:
    """Log the correction ``made()`` gives: 202, or the refusal (404 for an unknown target, else 400)."""
    try:
        logged = made()
        changes = await service(request).correct(logged)
    except Refused as exc:
        raise ApiError(404 if exc.unknown else 400, str(exc)) from exc
    return json({"correction": logged.model_dump(mode="json"), "changes": changes}, 202)


async def post_retraction(request: Request) -> Response:
    """Retract an article, as ``entente retract`` does."""
    payload = await correction_body(request)
    target = request.path_params["id"]
    return await corrected(
        request, lambda: correction("retraction", target, by=payload["by"], reason=payload["reason"])
    )


async def post_override(request: Request) -> Response:
    """Override an event (``drop``: true, or ``set``: fields), as ``entente override`` does."""
    payload = await correction_body(request)
    target, drop, given = request.path_params["id"], payload.get("drop", False), payload.get("set", {})
    if (
        not isinstance(drop, bool)
        or not isinstance(given, dict)
        or not all(isinstance(value, str) for value in given.values())
    ):
        raise ApiError(400, 'drop is true or false, set an object of texts {"FIELD": "VALUE"}')
    return await corrected(
        request,
        lambda: correction(
            "override",
            target,
            by=payload["by"],
            reason=payload["reason"],
            drop=drop,
            fields=assignments(f"{name}={value}" for name, value in given.items()),
        ),
    )


# -- live streams -----------------------------------------------------------------


async def changes_stream(request: Request) -> Response:
    running = service(request)
    wanted = ChangeFilter(text(request, "actor"), text(request, "zone"), choice(request, "table", names()))
    client = Client(wanted, running.config.client_queue)
    run = partial(running.changes.stream, client, last_event_id(request), running.config.heartbeat)
    return EventStream(run, client.gone)


async def events_stream(request: Request) -> Response:
    running = service(request)
    wanted = EventFilter(text(request, "actor"), text(request, "zone"), choice(request, "type", PLOVER))
    client = Client(wanted, running.config.client_queue)
    run = partial(running.events.stream, client, last_event_id(request), running.config.heartbeat)
    return EventStream(run, client.gone)


# -- service --------------------------------------------------------------------


async def health(request: Request) -> Response:
    running = service(request)
    healthy = running.worker in ("off", "running")
    return json(
        {"status": "ok" if healthy else "degraded", "worker": running.worker}, 200 if healthy else 503
    )


async def metrics(request: Request) -> Response:
    running = service(request)
    current = await running.status()
    body = exposition(current.topics, current.lag, (running.changes, running.events))
    return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")


async def openapi(_request: Request) -> Response:
    return json(document(endpoints()))


async def dashboard(_request: Request) -> Response:
    return FileResponse(
        STATIC / "index.html",
        headers={"Content-Security-Policy": DASHBOARD_POLICY, "X-Content-Type-Options": "nosniff"},
    )


# -- declarations -----------------------------------------------------------------

AS_OF = Param(
    "as_of",
    "query",
    "The state as of this day (YYYY-MM-DD), rebuilt from the event log.",
    {"type": "string", "format": "date"},
)
KNOWN_AT = Param(
    "known_at",
    "query",
    "The state as the log knew it at this time (ISO 8601; UTC without an offset): rebuilt from the"
    " events logged by then.",
    {"type": "string", "format": "date-time"},
)
ACTOR = Param("actor", "query", "Only those involving this actor id.")
ZONE = Param("zone", "query", "Only those of this zone id.")
TYPE = Param("type", "query", "Only events of this PLOVER type.", {"type": "string", "enum": list(PLOVER)})


def table_param() -> Param:
    return Param("table", "query", "Only changes of this table.", {"type": "string", "enum": list(names())})


LAST_ID = Param(
    "Last-Event-ID",
    "header",
    "The id (log offset) of the last message received: the stream resumes right after it.",
    {"type": "integer", "minimum": -1},
)
LAST_ID_QUERY = Param(
    "last_event_id",
    "query",
    "As the Last-Event-ID header, for clients that cannot set headers.",
    {"type": "integer", "minimum": -1},
)
IF_NONE_MATCH = Param(
    "If-None-Match",
    "header",
    "The ETag of a listing received before: 304 while the listing is still the same.",
)
UNCHANGED = Reply(304, "The listing is the one the ETag names (nothing changed since).")
ERROR = ref("Error")
BAD = Reply(400, "A malformed parameter.", ERROR)
MISSING = Reply(404, "No such row.", ERROR)
SSE = "text/event-stream"
REFUSED_WRITES = (
    Reply(401, "Missing or wrong bearer token.", ERROR),
    Reply(403, "Writes are disabled (the server has no token).", ERROR),
    Reply(413, "The body is over the size limit.", ERROR),
)
"""What a write without a valid token, or with too large a body, gets."""
PAGING = (
    Param(
        "after",
        "query",
        "Cursor: the `next` of the previous page (a log offset).",
        {"type": "integer", "minimum": -1},
    ),
    Param(
        "limit",
        "query",
        "Page size.",
        {"type": "integer", "minimum": 1, "maximum": PAGE_MAX, "default": PAGE_DEFAULT},
    ),
)
"""The parameters of a listing paged by log offset."""
EVIDENCE_PAGING = (
    Param(
        "limit",
        "query",
        "How many facts the audit lists.",
        {"type": "integer", "minimum": 1, "maximum": PAGE_MAX, "default": LIMIT},
    ),
    Param(
        "offset",
        "query",
        "How many of the strongest facts to pass over: the `next` of the previous page.",
        {"type": "integer", "minimum": 0, "default": 0},
    ),
    Param(
        "on",
        "query",
        "Only the facts dated this day (YYYY-MM-DD).",
        {"type": "string", "format": "date"},
    ),
)
"""The parameters of a row's audit, paged by rank."""
DEAD_LETTER_PAGE = {
    "type": "object",
    "properties": {
        "dead_letters": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "offset": {"type": "integer"},
                    "received_at": {"type": ["string", "null"], "format": "date-time"},
                    "stage": {"type": "string"},
                    "input": {"type": "string"},
                    "reason": {"type": "string"},
                    "replayed": {"type": "boolean"},
                },
            },
        },
        "next": {"type": ["integer", "null"], "description": "The `after` of the next page."},
    },
    "required": ["dead_letters", "next"],
}
REPLAYED = {
    "type": "object",
    "properties": {
        "outcomes": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "offset": {"type": "integer"},
                    "result": {"enum": ["replayed", "skipped", "rejected", "unreplayable"]},
                    "detail": {"type": "string"},
                },
            },
        }
    },
}


def listing_of(name: str) -> dict[str, Any]:
    return {"type": "array", "items": ref(name)}


def fields_param(table: str) -> Param:
    return Param(
        "fields",
        "query",
        "Comma-separated fields to keep of each view (default: all), for a lighter listing.",
        {"type": "string", "example": ",".join(get(table).fields[:4])},
    )


def table_endpoints(table: Table) -> tuple[Endpoint, Endpoint, Endpoint]:
    """``GET /{table}``, ``GET /{table}/{params...}`` and ``GET /{table}/{params...}/timeline``."""
    listing, one, timeline = table_handlers(table)
    api, view = table.api, view_name(table)
    path = "/".join((f"/{table.name}", *(f"{{{param}}}" for param, _ in api.params)))
    named = tuple(Param(param, "path", about) for param, about in api.params)
    return (
        Endpoint(
            "GET",
            f"/{table.name}",
            listing,
            api.listing,
            (AS_OF, KNOWN_AT, fields_param(table.name), IF_NONE_MATCH),
            (Reply(200, f"{api.one.capitalize()} views.", listing_of(view)), UNCHANGED, BAD),
        ),
        Endpoint(
            "GET",
            path,
            one,
            api.detail + " The audit lists a page of facts, strongest first (zones: newest first).",
            (*named, AS_OF, KNOWN_AT, *EVIDENCE_PAGING),
            (
                Reply(
                    200,
                    f"The {api.one} and why.",
                    {"type": "object", "properties": {api.one: ref(view), "why": ref("Why")}},
                ),
                BAD,
                MISSING,
            ),
        ),
        Endpoint(
            "GET",
            path + "/timeline",
            timeline,
            f"The {api.one}'s view on each day it has facts (at most {POINTS} days, fewer for a row of many"
            " facts), and its facts counted by day and type.",
            (*named, AS_OF, KNOWN_AT),
            (Reply(200, f"The {api.one}'s history.", ref("Timeline")), BAD, MISSING),
        ),
    )


def endpoints() -> tuple[Endpoint, ...]:
    """Every endpoint: two for each state table (:mod:`agents.reduce.tables`), then the others."""
    return (
        *(endpoint for table in every() for endpoint in table_endpoints(table)),
        Endpoint(
            "GET",
            "/atlas",
            atlas_of_state,
            "The knowledge base's names, kinds and ISO codes of the live state's actors, and the names"
            " and centres of its zones.",
            replies=(Reply(200, "Actors and zones.", ref("Atlas")),),
        ),
        *READS,
        *CORRECTIONS,
        Endpoint(
            "GET",
            "/changes",
            changes_stream,
            "Server-sent events: each state change as it is committed (`event: change`, `id:` its offset).",
            (ACTOR, ZONE, table_param(), LAST_ID, LAST_ID_QUERY),
            (Reply(200, "An endless stream; comment lines are heartbeats.", ref("ChangeMessage"), SSE), BAD),
            tag="streams",
        ),
        *SERVICE,
    )


READS: tuple[Endpoint, ...] = (
    Endpoint(
        "GET",
        "/events",
        events,
        "Events in log order, filtered, a page at a time.",
        (
            ACTOR,
            ZONE,
            TYPE,
            Param(
                "since",
                "query",
                "Only events dated on or after this day.",
                {"type": "string", "format": "date"},
            ),
            Param(
                "until",
                "query",
                "Only events dated on or before this day.",
                {"type": "string", "format": "date"},
            ),
            AS_OF,
            *PAGING,
        ),
        (Reply(200, "A page of events; `next` is null after the last page.", ref("EventPage")), BAD),
        tag="events",
    ),
    Endpoint(
        "GET",
        "/articles/{id}",
        article,
        "One published article.",
        (Param("id", "path", "The article id."), AS_OF),
        (
            Reply(200, "The article.", ref("Article")),
            BAD,
            Reply(404, "No such article (by that date).", ERROR),
        ),
        tag="articles",
    ),
    Endpoint(
        "POST",
        "/articles",
        post_articles,
        "Publish one article (an object) or several (an array) to articles.raw.",
        replies=(
            Reply(
                202,
                "Published; rejections are named in `errors` and kept on articles.dlq.",
                ref("IngestResult"),
            ),
            Reply(400, "Not JSON, or an empty array.", ERROR),
            *REFUSED_WRITES,
            Reply(422, "Every article was rejected.", ERROR),
        ),
        body={"oneOf": [ref("ArticleInput"), {"type": "array", "items": ref("ArticleInput")}]},
        secured=True,
        tag="articles",
    ),
    Endpoint(
        "GET",
        "/dlq",
        dead_letters,
        "Dead letters of articles.dlq in log order, a page at a time.",
        PAGING,
        (Reply(200, "A page of dead letters; `next` is null after the last page.", DEAD_LETTER_PAGE), BAD),
        tag="dead letters",
    ),
    Endpoint(
        "POST",
        "/dlq/replay",
        replay_dead_letters,
        "Replay dead letters after a fix, each at most once, as `entente dlq replay` does.",
        replies=(
            Reply(200, "What happened to each dead letter.", REPLAYED),
            Reply(400, "Not JSON, or an offset that is not one or names no dead letter.", ERROR),
            *REFUSED_WRITES,
        ),
        body={
            "type": "object",
            "properties": {"offsets": {"type": "array", "items": {"type": "integer", "minimum": 0}}},
            "description": "The offsets to replay; none (or no body): every dead letter not yet replayed.",
        },
        secured=True,
        tag="dead letters",
    ),
)
CORRECTION_REPLIES = (
    Reply(
        202,
        "Logged on the corrections topic; `changes`: those it made (null: the workers apply it).",
        {
            "type": "object",
            "properties": {"correction": ref("Correction"), "changes": {"type": ["integer", "null"]}},
        },
    ),
    Reply(400, "Not JSON, an empty reason or author, or a correction that cannot be made.", ERROR),
    *REFUSED_WRITES,
    Reply(404, "No such article or event.", ERROR),
)
CORRECTION_TEXTS = {
    "reason": {"type": "string", "minLength": 1, "description": "Why the correction is made."},
    "by": {"type": "string", "minLength": 1, "description": "Who makes it."},
}
CORRECTIONS: tuple[Endpoint, ...] = (
    Endpoint(
        "POST",
        "/articles/{id}/retraction",
        post_retraction,
        "Retract an article: its events leave the state, as `entente retract` does.",
        (Param("id", "path", "The article id."),),
        CORRECTION_REPLIES,
        body={"type": "object", "properties": CORRECTION_TEXTS, "required": ["reason", "by"]},
        secured=True,
        tag="corrections",
    ),
    Endpoint(
        "POST",
        "/events/{id}/override",
        post_override,
        "Override an event: drop it or set some of its fields, as `entente override` does.",
        (Param("id", "path", "The event id."),),
        CORRECTION_REPLIES,
        body={
            "type": "object",
            "properties": {
                **CORRECTION_TEXTS,
                "drop": {"type": "boolean", "description": "Drop the event."},
                "set": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": "Fields to set: type, source, target, zone, date, modality.",
                },
            },
            "required": ["reason", "by"],
        },
        secured=True,
        tag="corrections",
    ),
)
SERVICE: tuple[Endpoint, ...] = (
    Endpoint(
        "GET",
        "/events/stream",
        events_stream,
        "Server-sent events: each event as it is extracted (`event: event`, `id:` its offset).",
        (ACTOR, ZONE, TYPE, LAST_ID, LAST_ID_QUERY),
        (Reply(200, "An endless stream; comment lines are heartbeats.", ref("EventMessage"), SSE), BAD),
        tag="streams",
    ),
    Endpoint(
        "GET",
        "/health",
        health,
        "Whether the server and its worker run.",
        replies=(Reply(200, "Healthy.", ref("Health")), Reply(503, "The worker failed.", ref("Health"))),
        tag="service",
    ),
    Endpoint(
        "GET",
        "/metrics",
        metrics,
        "Counts and lag in the Prometheus text format.",
        replies=(Reply(200, "Metrics.", {"type": "string"}, "text/plain"),),
        tag="service",
    ),
    Endpoint(
        "GET",
        "/openapi.json",
        openapi,
        "This document.",
        replies=(Reply(200, "OpenAPI 3.1.", {"type": "object"}),),
        tag="service",
    ),
    Endpoint(
        "GET",
        "/",
        dashboard,
        "The dashboard.",
        replies=(Reply(200, "HTML.", {"type": "string"}, "text/html"),),
        tag="service",
    ),
)
