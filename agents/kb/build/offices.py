"""Which offices the generated people hold: heads of state and government, foreign and defence ministers
and the chiefs of the armed forces, told apart from deputies, sub-national and parliamentary offices."""

from __future__ import annotations

import re

from agents.kb.build.common import country_id

HEAD_OF_STATE = "head of state"
SUPREME_LEADER = "supreme leader"
HEAD_OF_GOVERNMENT = "head of government"
FOREIGN_MINISTER = "foreign minister"
DEFENCE_MINISTER = "defence minister"
MILITARY_CHIEF = "military chief"

_MILITARY = re.compile(
    r"chief of (the )?(defen[cs]e( forces?| staff)?|(national defen[cs]e |army )?general staff|army( staff)?|"
    r"armed forces joint staff|general staff of the armed forces|national defen[cs]e force)|"
    r"chief of staff of the (army|armed forces|defen[cs]e forces?)|"
    r"chair(man)? of the (joint )?chiefs( of staff)?|"
    r"head of (the )?joint chiefs( of (staff|defen[cs]e))?|"
    r"(commander|head) of the (national |\w+ )?(armed|defen[cs]e) forces?"
)
"""The chiefs of the armed forces and of the army (not of the navy or the air force)."""
_SHARED = re.compile(r"governor-general|co-prince|captain regent|federal council|administration council")
"""Offices held by several people at once: left out, as they would tie one name to several people."""
_NOT_THE_HOLDER = re.compile(
    r"\b(deputy|vice|assistant|associate|under|undersecretary|acting|alternate|first lady|shadow|former|"
    r"minister of state|ministers? in|state minister|delegate|spokes\w*|advis[eo]rs?|counsel\w*|"
    r"chief of staff|secretary[- ]general|private secretary|permanent secretary|principal secretary|"
    r"parliamentary|opposition|envoy|ambassador|commissioner|representative|intelligence|materiel|"
    r"equipment|science|personnel|industry|industries|procurement|production|home front|civil|cyber|"
    r"state secretary|member|director|committee|commission|leader of the house|military cabinet|"
    r"in charge of|to the minister|security and defen[cs]e council|interim|spoke\w*)\b"
)
_HEAD_OF_STATE = re.compile(
    r"(president( of the republic)?|king|queen|monarch|emir|amir|sultan|head of state|pope|"
    r"grand duke|chairman of the (presidential council|presidency|state affairs commission))"
)
_HEAD_OF_GOVERNMENT = re.compile(
    r"(federal )?chancellor|prime minister|premier|taoiseach|head of government|"
    r"(president|premier|chairman|chair) of the (government|council of ministers|cabinet of ministers|"
    r"executive council|state council)|(president|premier) of the executive yuan"
)
_FOREIGN = re.compile(r"foreign (affairs|minister|relations)|foreign and |external (affairs|relations)")
_DEFENCE = re.compile(r"\bdefen[cs]e\b|^minister (of|for) the (revolutionary )?armed forces$")


def office_kind(label: str, state: str) -> str | None:
    """The kind of office ``label`` names for ``state``, or None when it is none of the kinds kept; a
    parenthesis may name it ("Chairman of the Cabinet of Ministers (Prime Minister)")."""
    outer = " ".join(re.sub(r"\([^)]*\)", " ", label).lower().split())
    inner = re.findall(r"\(([^)]*)\)", label.lower())
    if _NOT_THE_HOLDER.search(outer) and not _MILITARY.fullmatch(outer):  # "Minister of State (Foreign ...)"
        inner = []
    parts = re.split(r" and (?=minister|secretary)|, ", outer)  # "Deputy Prime Minister and Minister of ..."
    return next(filter(None, (_kind(text, state) for text in (outer, *inner, *parts[1:]))), None)


def _kind(text: str, state: str) -> str | None:
    if _MILITARY.fullmatch(text):
        return f"{MILITARY_CHIEF}: {text}"  # several at once: each its own office
    if _SHARED.search(text) or _NOT_THE_HOLDER.search(text):
        return None
    base, parts = text, text.split(" of ")
    for i in range(1, len(parts)):  # "Prime Minister of India": the office is India's or another state's
        owner = country_id(" of ".join(parts[i:]).removeprefix("the "))
        if owner is not None:
            if owner != state:
                return None
            base = " of ".join(parts[:i])
            break
    if _HEAD_OF_GOVERNMENT.fullmatch(base):
        return HEAD_OF_GOVERNMENT
    if _HEAD_OF_STATE.fullmatch(base):
        return HEAD_OF_STATE
    if base == SUPREME_LEADER:  # Iran's, beside its president
        return SUPREME_LEADER
    if _FOREIGN.search(base) or (base == "secretary of state" and state == "USA"):
        return FOREIGN_MINISTER
    if _DEFENCE.search(base):
        return DEFENCE_MINISTER
    return None
