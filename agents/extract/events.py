"""A parsed sentence's events: its triggers' rules applied, their roles linked and completed, dated
and placed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

from spacy.tokens import Doc, Token

from agents.extract.anchors import trigger_date, trigger_zone
from agents.extract.blocking import Blocker
from agents.extract.dates import find_dates, is_historical
from agents.extract.holders import Holders
from agents.extract.joint import joint_forces
from agents.extract.memory import HOSTILE, Claims
from agents.extract.mentions import VERBAL, Mention
from agents.extract.participants import deal_talks, joined_talks, remembered_parties
from agents.extract.parties import complete_roles, mediators, requested_parties
from agents.extract.roles import RoleFinder, Roles
from agents.extract.rules import Rules, Trigger
from agents.extract.speakers import according_to
from agents.extract.speech import (
    announced_threats,
    appraisal_roles,
    appraising,
    conditioned_targets,
    intended_threats,
    negated,
    obliged,
    promised_threat,
    reported_attackers,
)
from agents.extract.territory import entry_into_held_ground
from agents.extract.text import Normalised, Sentence
from agents.extract.triggers import TriggerFinder
from schemas import Article
from schemas.event import SYMMETRIC_TYPES, Event, Evidence, PloverType

CONTEXT_TARGETED = frozenset({PloverType.CONCEDE, PloverType.COERCE, PloverType.ASSAULT})
"""Types whose unnamed target is the source's adversary of the last sentences; so is a denial's
(``denial_words``: "denied harming civilians"), whose unnamed source is not."""
OPPOSING = frozenset({PloverType.REJECT, PloverType.PROTEST})
"""Types whose unnamed target, when they oppose an agreement, is the agreement's parties."""


class EventReader:
    """Applies the trigger rules to parsed sentences; built once per rule set."""

    def __init__(
        self,
        rules: Rules,
        triggers: TriggerFinder,
        blocker: Blocker,
        requests: set[str],
        agentive: frozenset[str],
        event_nouns: frozenset[str],
        version: str,
    ) -> None:
        self.lexicon = rules.lexicon
        self.speech = rules.lexicon.speech_verbs
        self.triggers = triggers
        self.blocker = blocker
        self.requests = requests
        self.agentive = agentive
        self.event_nouns = event_nouns
        self.version = version
        self.scoring = rules.scoring
        self.verbs_of: dict[PloverType, set[str]] = {}
        for rule in rules.triggers:
            if "VERB" in rule.pos and not rule.object:
                self.verbs_of.setdefault(rule.type, set()).update(rule.lemmas)

    def read(
        self,
        doc: Doc,
        sent: Sentence,
        mentions: list[Mention],
        zones: list[tuple[int, int, str | None]],
        last_zone: str | None,
        commentators: set[str],
        article: Article,
        norm: Normalised,
        adversaries: dict[str, str],
        parties: tuple[str, ...],
        holders: Holders,
        story_day: dt.date | None,
        talks: tuple[str, ...],
        claims: Claims,
    ) -> list[Event]:
        """The events a parsed sentence states, given what the sentences before it told."""
        if not mentions or self.blocker.opinion(doc, commentators):
            return []
        finder = RoleFinder(mentions, self.lexicon, self.agentive, self.event_nouns, holders)
        local_adversaries = dict(adversaries)
        matches = self.triggers.find(doc)
        attackers: dict[str, None] = {}
        victims: dict[str, None] = {}
        for tok, rule in matches:
            if rule.type in HOSTILE and self.blocker.blocked(tok) is None:
                roles = finder.roles(tok, rule)
                for source in roles.sources:
                    for target in roles.targets:
                        if source != target:
                            local_adversaries[source] = target
                if not roles.targets:
                    attackers.update(dict.fromkeys(roles.sources))
                elif not roles.sources and any(c.dep_ == "auxpass" for c in tok.children):
                    victims.update(dict.fromkeys(roles.targets))  # "were killed", "was hit"
        if len(attackers) == 1 and len(victims) == 1 and attackers.keys() != victims.keys():
            # "two soldiers of Y were killed after X launched strikes": one side each, one pair
            (attacker,), (victim,) = attackers, victims
            local_adversaries.setdefault(attacker, victim)
            local_adversaries.setdefault(victim, attacker)
        start, end = norm.span(sent.start, sent.end)
        evidence = Evidence(text=article.text[start:end], start=start, end=end)
        day = article.published
        dates = {flag: find_dates(sent.text, day, flag, story_day) for flag in (False, True)}
        historical = is_historical(sent.text, day, dates[False])
        out: list[Event] = []
        named = {i for m in mentions if m.kind not in ("pronoun", "group") for i in range(m.start, m.end)}
        brokers = mediators(doc, mentions, self.lexicon)
        for tok, matched in matches:
            rule: Trigger | None = matched
            blocked = negated(tok) if appraising(tok, matched) else self.blocker.blocked(tok)
            promised = promised_threat(tok, matched, blocked, self.lexicon.planned_heads)
            demanded = (
                matched.type not in VERBAL
                and obliged(self.blocker.chain(tok), self.lexicon.deontic_aux)
                and bool(finder.reporter(tok))
            )
            if demanded:  # "Peru must withdraw its troops, Chile said": what one demands of another
                rule = dataclasses.replace(matched, type=PloverType.REQUEST, id=f"{matched.id}:demanded")
            elif blocked == "negated" and matched.negated is not None:
                rule = dataclasses.replace(matched, type=matched.negated, id=f"{matched.id}:negated")
            elif blocked != "negated" and matched.type in HOSTILE and self.blocker.threat(tok):
                rule = dataclasses.replace(matched, type=PloverType.THREATEN, id=f"{matched.id}:threat")
            elif (
                (blocked is not None and not promised)
                or matched.only_negated
                or self.blocker.aim(tok, matched)
            ):
                rule = None
            if tok.i in named or rule is None:
                continue
            mediated = tok.head.lemma_.lower() in self.lexicon.mediating_verbs
            roles = appraisal_roles(tok, rule, finder, self.speech) or finder.roles(
                tok, rule, stop_inherit=mediated and rule.type == PloverType.CONSULT
            )
            if demanded:
                roles = Roles(sources=finder.reporter(tok), targets=roles.sources)
            if rule.no_recipient and roles.targets:
                continue  # "sent tanks to Ukraine": aid to Ukraine, no deployment
            rule = entry_into_held_ground(tok, rule, roles, finder, self.lexicon)
            complete_roles(tok, rule, roles, finder, self.verbs_of, brokers, parties)
            told = tuple(
                dict.fromkeys(a for e in out if e.type in SYMMETRIC_TYPES for a in (e.source, e.target) if a)
            )
            joined_talks(tok, rule, roles, finder, told or talks)
            remembered_parties(tok, rule, roles, talks, self.lexicon.deal_verbs)
            deal_talks(tok, rule, roles, finder)
            requested_parties(
                tok, rule, roles, finder, self.lexicon, self.requests, local_adversaries, told, talks
            )
            if rule.type == PloverType.THREATEN and not roles.targets:
                roles.targets = conditioned_targets(tok, finder)
            denial = rule.type == PloverType.REJECT and tok.lemma_.lower() in self.lexicon.denial_words
            if (rule.type in CONTEXT_TARGETED or denial) and not roles.targets:
                roles.targets = [local_adversaries[s] for s in roles.sources if s in local_adversaries]
            if denial and not roles.targets:
                roles.targets = claims.answered(roles.sources)
            if (
                rule.type in CONTEXT_TARGETED and not roles.sources
            ):  # "50 soldiers were killed in retaliation"
                roles.sources = [local_adversaries[t] for t in roles.targets if t in local_adversaries]
            if rule.type in OPPOSING and not roles.targets and self.blocker.about_agreement(tok):
                roles.targets = [p for p in parties if p not in roles.sources]
            modality = self.blocker.modality(tok)
            when = trigger_date(
                tok, doc, dates[modality == "planned"], story_day or day, modality, historical
            )
            old = when is not None and day is not None and (day - when).days > self.scoring.historical_days
            if old or (historical and when is None and modality == "asserted"):
                modality = "historical"
            if (
                modality == "historical"
                and when is not None
                and day is not None
                and (day - when).days <= self.scoring.historical_days
            ):
                when = None
            zone = trigger_zone(tok, doc, zones, last_zone)
            found = [(rule.type, source, target) for source, target in self._dyads(rule, roles)]
            found += [(PloverType.COOPERATE, a, b) for a, b in joint_forces(tok, rule, roles, finder)]
            if rule.type in HOSTILE:  # a claim that someone attacked is an accusation
                perpetrators = dict.fromkeys(roles.sources)
                found += [
                    (PloverType.ACCUSE, c, p)
                    for c in self._claimant(tok, finder)
                    for p in perpetrators
                    if c != p
                ]
                found += [
                    (PloverType.ACCUSE, c, p)
                    for c, p in reported_attackers(tok, rule, finder, roles, local_adversaries)
                ]
                threats = announced_threats(tok, finder, roles, modality == "planned", local_adversaries)
                threats += intended_threats(tok, roles, self.lexicon.intent_verbs)
            else:
                threats = []
            told_on = trigger_date(tok.sent.root, doc, dates[False], story_day or day, "asserted", historical)
            dated = [(kind, s, t, when, modality) for kind, s, t in found]
            dated += [(PloverType.THREATEN, s, t, told_on, "asserted") for s, t in threats]  # made as told
            for kind, source, target, when, modality in dated:
                conf = self.scoring.inherited_confidence if roles.inherited else self.scoring.confidence
                out.append(
                    Event(
                        article_id=article.id,
                        type=kind,
                        source=source,
                        target=target,
                        zone=zone,
                        date=when,
                        reported=day,
                        modality=modality,
                        evidence=evidence,
                        confidence=conf,
                        extractor=self.version,
                    )
                )
        claims.claimants = tuple(
            a
            for t in doc
            for a in (
                finder.subject(t)[0]
                if t.lemma_.lower() in self.lexicon.claim_verbs
                else [a for o in according_to(t) for a in finder.actors(o)]
            )
        )
        return out

    @staticmethod
    def _dyads(rule: Trigger, roles: Roles) -> list[tuple[str, str | None]]:
        """The (source, target) pairs a trigger's roles make for its rule."""
        sources = list(dict.fromkeys(roles.sources))
        targets = list(dict.fromkeys(roles.targets))
        partners = list(dict.fromkeys(roles.partners))
        if rule.untargeted:
            return [(s, None) for s in sources]
        if rule.mediation:
            group = sorted(set(partners))
            return list(itertools.combinations(group, 2))
        if rule.type in SYMMETRIC_TYPES:
            group = sorted(set(sources) | set(targets) | set(partners))
            return list(itertools.combinations(group, 2))
        if rule.both_ways:
            group = sorted(set(sources) | set(targets) | set(partners))
            return [(a, b) for a in group for b in group if a != b]
        return [(s, t) for s in sources for t in targets if s != t]

    def _claimant(self, tok: Token, finder: RoleFinder) -> list[str]:
        """Who claims the event happened ("the rebels claimed Russia targeted civilians")."""
        clause = tok
        for _ in range(3):
            if clause.dep_ == "ccomp" and clause.head.lemma_.lower() in self.lexicon.claim_verbs:
                return finder.subject(clause.head)[0]
            if clause.head == clause:
                break
            clause = clause.head
        return []
