"""The generated rule file's text, with its header, from the two sources' texts."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from typing import Any

import yaml

from agents.extract.build.cameo import crosswalk, patterns
from agents.extract.build.generate import Prune, build, render
from agents.kb.load import YAML_LOADER

HEADER = """\
Trigger rules generated from established resources by `python -m agents.extract.build`; do not edit:
change agents/extract/build/curation.yaml (pruned patterns, examples) and rebuild.
sources (pinned in agents/extract/build/sources.yaml):
  CAMEO verb dictionary of PETRARCH2: {c[repository]} {c[commit]} {c[path]} ({c[date]}; {c[licence]})
  CAMEO-to-PLOVER crosswalk: {x[repository]} {x[commit]} {x[path]} ({x[date]}; {x[licence]});
    codes the project's guidelines type otherwise (signing: AGREE; releasing, easing, allowing in,
    a one-sided truce: CONCEDE) follow the guidelines.
patterns read: {t.patterns}; no PLOVER type (CAMEO 01, 02 and null codes): {t.unmapped}; needing a subject
  word, which rules cannot express: {t.subject}
entries (verb + particle + object word, or light-verb noun): kept {t.kept} ({t.nouns} nouns),
  pruned by build/curation.yaml {t.pruned}; dropped as typed two ways, an agent noun or not a word:
  {t.ambiguous}; rules: {t.rules}
known gaps: object modifiers ("{{FINANCIAL AID}}") keep only their head word; subject words of patterns are
  dropped; a pattern with two phrases keeps the first preposition; patterns without a verb named in their
  comment apply to every verb of their block; REQUEST has only CAMEO 10 (02 APPEAL is dropped by PLOVER).
Rules load after rules/plover.yaml with negative priorities, so a hand-written rule wins on the same word.
"""


def _package(name: str) -> Any:
    text = (resources.files("agents.extract.build") / name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=YAML_LOADER)


def _lexicon() -> dict[str, list[str]]:
    text = (resources.files("agents.extract") / "rules" / "lexicon.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=YAML_LOADER)


def generate(
    cameo: str,
    table: str,
    pins: Mapping[str, Mapping[str, str]] | None = None,
    curation: Mapping[str, list[dict[str, Any]]] | None = None,
) -> str:
    """The text of ``rules/cameo.yaml``; ``pins`` and ``curation`` default to the package's
    ``build/sources.yaml`` and ``build/curation.yaml``."""
    pins = _package("sources.yaml") if pins is None else pins
    curation = _package("curation.yaml") if curation is None else curation
    lexicon = _lexicon()
    excluded = frozenset(lexicon["agent_nouns"]) | frozenset(lexicon["group_nouns"])
    prunes = [Prune(**{k: str(v) for k, v in p.items() if k != "why"}) for p in curation.get("prune") or []]
    built = build(
        patterns(cameo),
        crosswalk(table),
        frozenset(lexicon["light_verbs"]),
        excluded,
        prunes,
        curation.get("examples") or [],
    )
    header = HEADER.format(c=pins["cameo"], x=pins["crosswalk"], t=built.tally)
    return render(built, header)
