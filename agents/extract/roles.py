"""Who is source and who is target of a trigger, read off the dependency parse."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from agents.extract.attribution import behind, controlling_object
from agents.extract.holders import Holders
from agents.extract.mentions import Mention
from agents.extract.rules import Lexicon, Trigger
from schemas.event import PloverType

CLAUSE_DEPS = frozenset(
    {"relcl", "acl", "advcl", "ccomp", "xcomp", "parataxis", "csubj", "punct", "mark", "cc"}
)
SUBJECT_DEPS = ("nsubj", "csubj")
PASSIVE_OR_SUBJECT = ("nsubj", "csubj", "nsubjpass", "auxpass")
OBJECT_DEPS = ("dobj", "dative", "attr", "oprd")
SYMMETRIC = frozenset({PloverType.AGREE, PloverType.CONSULT, PloverType.COOPERATE})
HOSTILE = frozenset({PloverType.ASSAULT, PloverType.COERCE})


@dataclass
class Roles:
    """Actors found on each side of a trigger; ``inherited`` when the source came from another clause."""

    sources: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    inherited: bool = False


class RoleFinder:
    """Reads roles for triggers of one parsed sentence, given its actor mentions."""

    def __init__(
        self,
        mentions: list[Mention],
        lexicon: Lexicon,
        agentive: frozenset[str] = frozenset(),
        events: frozenset[str] = frozenset(),
        holders: Holders | None = None,
    ) -> None:
        self.lexicon = lexicon
        self.holders = holders
        self.agent_participles = lexicon.holding_participles | lexicon.light_verbs
        """Participles whose "by" phrase names who holds or does their noun ("held by", "carried out by")."""
        self.agentive = agentive
        self.events = events
        self.by_token: dict[int, Mention] = {}
        for mention in mentions:
            for i in range(mention.start, mention.end):
                self.by_token.setdefault(i, mention)

    # ------------------------------------------------------------- harvesting

    def actors(self, tok: Token, *, deep: bool = True, open_of: bool = True) -> list[str]:
        """Actors named by ``tok`` and (when ``deep``) its noun phrase, not crossing clauses.

        With ``open_of`` false, "of" phrases are only read under words that name who acts
        ("the presidents of Iran"), not under others ("the sponsors of the Syria talks").
        """
        out: list[str] = []
        seen: set[int] = set()
        stack = [(tok, False)]
        while stack:
            t, opened = stack.pop()
            mention = self.by_token.get(t.i)
            deep_possessive = (
                mention is not None
                and mention.kind == "pronoun"
                and t != tok
                and t.dep_ == "poss"
                and t.head != tok
            )
            if mention is not None and id(mention) not in seen and not deep_possessive:
                seen.add(id(mention))
                out.extend(mention.actors)
            if t.lower_ in self.lexicon.relative_pronouns and t.dep_ in ("nsubj", "nsubjpass", "dobj"):
                clause = t.head
                if clause.dep_ == "ccomp" and clause.head.dep_ == "relcl":
                    clause = clause.head  # "X, which Y says shelled Z": X
                if clause.dep_ == "relcl":
                    stack.append((clause.head, opened))
                    continue
            if not deep and t != tok and t.dep_ not in ("conj", "compound", "amod", "poss", "appos", "nmod"):
                continue
            opens = open_of or opened or self._opens(t)
            for child in t.children:
                if child.dep_ == "acl" and child.lemma_.lower() in self.agent_participles:
                    # "areas controlled by X", "the strike, carried out by X": X
                    stack.extend((o, True) for a in child.children if a.dep_ == "agent" for o in a.children)
                    continue
                if child.dep_ == "acl" and child.lemma_.lower() in self.lexicon.membership_verbs:
                    stack.extend((o, True) for o in child.children if o.dep_ in ("dobj", "prep"))
                    continue  # "a contact group comprising X, Y and Z": its members
                if child.dep_ in CLAUSE_DEPS:
                    continue
                loyal = child.lower_ == "to" and t.pos_ == "ADJ"  # "forces loyal to Assad"
                if (
                    child.dep_ == "prep"
                    and not loyal
                    and (child.lower_ not in self.lexicon.harvest_preps or not opens)
                ):
                    continue
                if child.dep_ == "appos" and child.i not in self.by_token and not _listed(child):
                    continue
                stack.append((child, opens and child.dep_ in ("prep", "pobj")))
        return list(dict.fromkeys(out))

    def _opens(self, tok: Token) -> bool:
        """Whether "of"/"from" phrases under ``tok`` name who it is ("presidents of Iran")."""
        return (
            tok.i in self.by_token
            or tok.lemma_.lower() in self.agentive
            or tok.lemma_.lower() in self.lexicon.partitive_nouns
            or tok.pos_ in ("PROPN", "NUM", "PRON")
        )

    def _prep_objects(self, tok: Token, preps: frozenset[str]) -> list[str]:
        out: list[str] = []
        for child in tok.children:
            if child.dep_ in ("prep", "prt", "agent") and child.lower_ in preps:
                for obj in child.children:
                    if obj.dep_ == "pcomp" and controlling_object(obj) is not None:
                        continue  # "thanked Peru for freeing Chile's crew": Peru's act, not whom it thanks
                    if obj.dep_ in ("pobj", "pcomp", "dobj"):
                        out += self.actors(obj)
                    elif obj.dep_ == "prep" and obj.lower_ == "of":  # "out of"
                        out += self._prep_objects(child, frozenset({"of"}))
        return out

    def _agents(self, verb: Token) -> list[str]:
        """Actors of a passive verb's "by" phrase, when it names who acts ("backed by Russian jets"),
        not an event ("aided by rebel in-fighting")."""
        return [
            a
            for c in verb.children
            if c.dep_ == "agent"
            for o in c.children
            if o.i in self.by_token or o.lemma_.lower() not in self.events
            for a in self.actors(o, open_of=False)
        ]

    def subject(self, verb: Token, depth: int = 0) -> tuple[list[str], bool]:
        """Actors doing ``verb``: its subject, else the subject it shares with the clause above."""
        if depth > 4:
            return [], True
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or _shares_passive(verb)
        if passive:
            found = self._agents(verb) or [a for v in _passive_conjuncts(verb) for a in self._agents(v)]
        else:
            found = [  # not the sides of a war that is the subject ("the Chile-Peru war left thousands dead")
                a
                for c in verb.children
                if c.dep_ in SUBJECT_DEPS and c.lemma_.lower() not in self.lexicon.war_nouns
                for a in self.actors(c, open_of=False)
            ]
            shared = verb.dep_ == "conj" and any(c.dep_ in PASSIVE_OR_SUBJECT for c in verb.head.children)
            if (
                not found
                and not shared
                and _finite(verb)
                and not any(c.dep_ in PASSIVE_OR_SUBJECT for c in verb.children)
            ):
                found = self._preceding(verb)  # the parse gave the verb no subject
        if (
            found
            or passive
            or any(
                c.dep_ in SUBJECT_DEPS
                for c in verb.children
                if c.lower_ not in self.lexicon.relative_pronouns
            )
        ):
            return found, depth > 0
        head = verb.head
        if verb.dep_ == "xcomp" and any(c.dep_ in ("nsubjpass", "auxpass") for c in head.children):
            return [a for c in head.children if c.dep_ == "nsubjpass" for a in self.actors(c)], True
        if verb.dep_ == "xcomp":
            objects = [a for c in head.children if c.dep_ == "dobj" for a in self.actors(c)]
            if objects:
                return objects, True
            return self.subject(head, depth + 1)[0], True
        if verb.dep_ in ("conj", "advcl", "pcomp", "acomp") and head.pos_ in ("VERB", "AUX", "ADJ"):
            return self.subject(head, depth + 1)[0], True
        if verb.dep_ == "relcl":
            return self.actors(head, deep=False), True
        if verb.dep_ == "acl" and not passive and verb.tag_ == "VBG":
            owners = self.actors(head, deep=False)
            if not owners and head.dep_ == "dobj" and head.lemma_.lower() in self.lexicon.instrument_nouns:
                # "signed a decree recognising X": who signed it
                owners = self.subject(head.head, depth + 1)[0]
            return owners, True
        accused = controlling_object(verb)
        if accused is not None:  # "blamed Peru for shelling the posts": Peru's act
            return self.actors(accused), True
        if verb.dep_ == "pcomp" and head.dep_ == "prep" and head.head.pos_ == "NOUN":
            owners = [a for c in head.head.children if c.dep_ == "poss" for a in self.actors(c)]
            if owners:  # "its policy of arming the fighters"
                return owners, True
        if verb.dep_ in ("pcomp", "advcl", "acl"):
            up = head
            for _ in range(4):
                if up.pos_ in ("VERB", "AUX") and up != verb:
                    return self.subject(up, depth + 1)[0], True
                if up.dep_ not in ("prep", "pobj", "pcomp") or up.head == up:
                    break
                up = up.head
        return [], False

    # ------------------------------------------------------------- roles

    def roles(self, tok: Token, rule: Trigger, stop_inherit: bool = False) -> Roles:
        """Sources, targets and partners of a trigger word."""
        joining = self.lexicon.joining_verbs
        if tok.pos_ == "ADP":  # "fought alongside X": the verb's subject and the preposition's object
            verb = tok.head.head if tok.head.dep_ == "dobj" else tok.head  # "deployed troops alongside X"
            if verb.pos_ != "VERB":
                return Roles()
            partners = [a for c in tok.children if c.dep_ == "pobj" for a in self.actors(c)]
            return Roles(sources=self.subject(verb)[0], partners=partners)
        if tok.pos_ == "ADV":  # "jointly", "together": who does the verb it modifies, not to whom
            if tok.head.pos_ not in ("VERB", "AUX"):
                return Roles()
            verbal = self._verbal(tok.head, rule)
            return Roles(sources=verbal.sources, partners=verbal.partners, inherited=verbal.inherited)
        roles = (
            self._verbal(tok, rule) if tok.pos_ in ("VERB", "AUX") else self._nominal(tok, rule, stop_inherit)
        )
        if (
            not roles.sources
            and tok.pos_ == "VERB"
            and not any(c.dep_ in PASSIVE_OR_SUBJECT for c in tok.children)
        ):
            roles.sources = self._preceding(tok)
        if rule.reported:
            if rule.subject_is == "target":  # "X said Y would pay a heavy price": Y is threatened
                roles.targets = roles.sources
            roles.sources = self.reporter(tok, warning=rule.type == PloverType.THREATEN)
        if rule.received:  # "received weapons from Iran": the giver acts on the receiver
            givers = [a for t in (tok, *tok.children) for a in self._prep_objects(t, frozenset({"from"}))]
            roles.sources, roles.targets = givers, roles.sources
        if rule.direct_object:  # "received the minister", not "received a letter from the minister"
            roles.targets = [a for c in tok.children if c.dep_ == "dobj" for a in self.actors(c, deep=False)]
            roles.partners = []
        if rule.companion:  # only an actor named outright: "sent advisers to Iraq", not "to a rebel enclave"
            carriers = [tok, *(c for c in tok.children if c.dep_ == "dobj")]  # "sent a package to Kyiv"
            roles.targets = [
                a
                for carrier in carriers
                for c in carrier.children
                if c.dep_ in ("prep", "dative") and c.lower_ in rule.targets
                for o in c.children
                if o.dep_ == "pobj" and o.i in self.by_token
                for a in self.by_token[o.i].actors
            ]
        if rule.type not in SYMMETRIC and roles.sources:
            roles.sources += self._prep_objects(tok, self.lexicon.coagent_preps)
            if tok.dep_ in ("attr", "dobj") and tok.head.pos_ in ("VERB", "AUX"):
                roles.sources += self._prep_objects(tok.head, self.lexicon.coagent_preps)
        if rule.type == PloverType.CONSULT and tok.pos_ == "NOUN" and tok.dep_ == "pobj":
            verb = tok.head.head  # "travelled to Moscow for talks"
            if (
                tok.head.lower_ == "for"
                and verb.pos_ == "VERB"
                and verb.lemma_.lower() in self.lexicon.travel_verbs
            ):
                roles.partners += self._prep_objects(verb, frozenset({"to"}))
        if (
            rule.type == PloverType.ASSAULT
            and tok.dep_ in ("ccomp", "xcomp")
            and tok.head.lemma_.lower() in joining
        ):
            roles.sources += self.subject(tok.head)[0]  # "sent troops to help Somalia fight the militants"
        if not roles.sources and rule.type in HOSTILE and (verb := behind(tok)) is not None:
            roles.sources = self.subject(verb)[0]  # "Peru was behind the raid"
        if not roles.targets and rule.type in HOSTILE:
            roles.targets = self._purpose_objects(tok)
        if not roles.targets and roles.sources and rule.type in HOSTILE:
            roles.targets = self.holders_of_places(tok) or self.states_of_places(tok, roles.sources)
        if not roles.targets and rule.type in (PloverType.THREATEN, PloverType.REJECT):
            clauses = [  # also a noun's infinitive: "its refusal to recognise the move"
                c
                for c in tok.children
                if c.dep_ in ("xcomp", "ccomp") or (tok.pos_ == "NOUN" and _infinitive(c))
            ]
            while clauses:  # "vowed to keep striking Iranian forces", "refused to recognise the move"
                clause = clauses.pop()
                clauses += [c for c in clause.children if c.dep_ == "xcomp"]
                for obj in clause.children:
                    if obj.dep_ == "dobj":
                        roles.targets += self.actors(obj) + self._prep_objects(obj, self.lexicon.threat_preps)
                roles.targets += self._prep_objects(clause, self.lexicon.threat_preps)
        if rule.type == PloverType.REJECT and (parties := self._accord_parties(tok, rule)):
            roles.targets = parties
        if not roles.targets and rule.type == PloverType.REQUEST:
            named = {id(m): m for t in self._truces(tok) for x in t.subtree if (m := self.by_token.get(x.i))}
            roles.targets = [a for m in named.values() for a in m.actors if a not in roles.sources]
        if rule.untargeted and not roles.sources and tok.pos_ == "VERB":
            roles.sources = self._movers(tok, roles.targets)
        if rule.type in (PloverType.SUPPORT, PloverType.AID) and (helped := self._helped(tok)):
            return helped
        return roles

    def _helped(self, tok: Token) -> Roles | None:
        """The giver and the receiver of help one acts "with" ("retook the town with the support of X",
        "with Russian air support"): the help's owner gives it to the subject of the act."""
        if tok.pos_ != "NOUN" or tok.dep_ != "pobj" or tok.head.lower_ != "with":
            return None
        act = tok.head.head
        if act.pos_ not in ("VERB", "AUX"):
            return None
        givers = self._prep_objects(tok, frozenset({"of", "from"}))
        givers += [a for c in tok.children if c.dep_ in ("poss", "amod", "compound") for a in self.actors(c)]
        receivers = [a for a in self.subject(act)[0] if a not in givers]
        if not receivers:
            receivers = [a for c in act.children if c.dep_ == "nsubjpass" for a in self.actors(c)]
        return Roles(sources=givers, targets=receivers) if givers and receivers else None

    def _verbal(self, tok: Token, rule: Trigger) -> Roles:
        roles = Roles()
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children) or (
            tok.dep_ == "acl" and tok.tag_ == "VBN"
        )
        roles.sources, roles.inherited = self.subject(tok)
        if tok.dep_ == "acl" and tok.tag_ == "VBN":
            roles.sources = self._agents(tok)
            roles.targets = self.actors(tok.head, deep=False)
            if (
                not roles.sources and rule.type in SYMMETRIC
            ):  # "advancing in line with a deal struck with Iran"
                roles.sources, roles.inherited = self._governing_subject(tok.head), True
            if not roles.targets and tok.head.dep_ == "appos":
                roles.targets = self.actors(tok.head.head, deep=False)
            if not roles.targets and tok.head.lemma_.lower() in self.lexicon.entering_verbs:
                roles.targets = self._movers_of(tok.head)  # "the advance of the army, backed by X"
        elif (
            tok.dep_ == "advcl"
            and tok.tag_ == "VBN"
            and not any(c.dep_ in SUBJECT_DEPS for c in tok.children)
        ):
            agents = self._agents(tok)
            if agents:  # "Backed by Russia, the army advanced": the army is backed
                roles.sources = agents
                roles.targets = [
                    a for c in tok.head.children if c.dep_ in SUBJECT_DEPS for a in self.actors(c)
                ]
        elif passive or _shares_passive(tok):
            patients = tok.head if _shares_passive(tok) else tok  # "were attacked and killed by X"
            roles.targets = [a for c in patients.children if c.dep_ == "nsubjpass" for a in self.actors(c)]
        for child in tok.children:
            if child.dep_ in OBJECT_DEPS and child.dep_ != "attr":
                roles.targets += self.actors(child)
                roles.targets += self._prep_objects(child, rule.targets)
                if rule.type == PloverType.ASSAULT:  # "downed drones launched by X": X's
                    roles.targets += [a for c in child.children if c.dep_ == "acl" for a in self._agents(c)]
            if (child.dep_ == "ccomp" and rule.type in (PloverType.AID, PloverType.REQUEST)) or (
                rule.type == PloverType.REQUEST and for_clause(child)
            ):  # "helped Assad fight the rebels", "called for Peru to withdraw": the clause's subject
                roles.targets += [
                    a for c in child.children if c.dep_ in SUBJECT_DEPS for a in self.actors(c, deep=False)
                ]
        roles.targets += self._prep_objects(tok, rule.targets)
        for child in tok.children:
            if child.dep_ == "prt":
                roles.targets += self._prep_objects(child, rule.targets)
        roles.partners = self._prep_objects(tok, self.lexicon.symmetric_preps)
        if (
            roles.inherited
            and not roles.targets
            and tok.dep_ in ("xcomp", "advcl")
            and tok.head.pos_ == "VERB"
        ):
            roles.targets = self._prep_objects(tok.head, rule.targets)
        return roles

    def _nominal(self, tok: Token, rule: Trigger, stop_inherit: bool) -> Roles:
        if rule.type in HOSTILE and (undergone := self._undergone(tok)) is not None:
            return undergone
        roles = Roles()
        compounds: list[str] = []
        for child in tok.children:
            if child.dep_ in ("poss", "amod", "nmod"):
                (roles.targets if rule.modifier_is == "target" else roles.sources).extend(self.actors(child))
            elif child.dep_ == "compound":
                compounds += self.actors(child)
        if rule.modifier_is == "target":
            roles.targets += compounds
            stop_inherit = stop_inherit or False
        elif rule.compound_is == "target":
            roles.targets += compounds
        elif len(set(compounds)) >= 2 or rule.type not in SYMMETRIC:
            roles.sources += compounds
            if len(set(compounds)) >= 2 and tok.lemma_.lower() in self.lexicon.war_nouns:
                roles.targets += compounds  # "the Israel-Hamas war": each side attacks the other
        roles.sources += self._prep_objects(tok, frozenset({"by"}))
        if rule.type == PloverType.REQUEST:  # "the demand that Peru go", "calls for Peru to go"
            roles.targets += [
                a
                for clause in tok.children
                if for_clause(clause)
                or (clause.dep_ == "acl" and any(m.dep_ == "mark" for m in clause.children))
                for c in clause.children
                if c.dep_ in SUBJECT_DEPS
                for a in self.actors(c, deep=False)
            ]
        for agent in (o for c in tok.children if c.dep_ == "prep" and c.lower_ == "by" for o in c.children):
            roles.targets += self._prep_objects(agent, rule.targets - {"of"})  # "attacks by X on Y"
        of = self._prep_objects(tok, frozenset({"of"}))
        if rule.of_is == "source":
            roles.sources += of
        elif rule.of_is == "target":
            roles.targets += of
        else:
            roles.partners += of
        roles.targets += self._prep_objects(tok, rule.targets - {"of"})
        if not roles.targets and rule.type in HOSTILE:
            roles.targets = self._stranded_targets(tok, rule)
        roles.partners += self._prep_objects(tok, self.lexicon.symmetric_preps)
        if rule.type in SYMMETRIC and len(set(roles.sources + roles.partners)) == 1 and roles.partners:
            roles.sources += self.reporter(tok)  # "X announced that a deal with Y was reached"
        if rule.modifier_is == "target" and tok.dep_ == "appos":
            roles.targets += self.actors(tok.head, deep=False)
        if not roles.sources and not stop_inherit and not self._names_other(tok, rule):
            anchor = tok
            while (
                anchor.dep_ == "pobj"
                and anchor.head.lower_ == "of"
                and anchor.head.head.lemma_.lower()
                in self.lexicon.quantity_nouns | self.lexicon.outcome_nouns
            ):
                anchor = anchor.head.head  # "a series of victories", "as a result of the talks"
            head = anchor.head
            if (
                rule.type in SYMMETRIC
                and anchor.dep_ == "dobj"
                and head.lemma_.lower() in self.lexicon.appraising_verbs
                and len(set(roles.partners)) >= 2
            ):
                pass  # "welcomed the truce between X and Y": who judges a deal of named sides is no party
            elif anchor.dep_ in ("dobj", "attr", "oprd", "nsubjpass") and head.pos_ in ("VERB", "AUX"):
                roles.sources, _ = self.subject(head)
                roles.targets += self._prep_objects(head, rule.targets - {"of"})
                roles.targets += [a for c in head.children if c.dep_ == "dative" for a in self.actors(c)]
                roles.inherited = True
            elif anchor.dep_ == "appos":
                roles.sources = self.actors(head, deep=False)
            elif (
                anchor.dep_ == "pobj"
                and head.dep_ == "prep"
                and head.head.pos_ in ("VERB", "AUX")
                and head.lower_ in ("in", "during", "after", "for", "at", "of", "with", "through", "by", "as")
            ):
                roles.sources, _ = self.subject(head.head)
                roles.inherited = True
            elif (
                anchor.dep_ == "pobj"
                and head.lower_ == "in"
                and head.head.pos_ in ("NOUN", "PROPN")
                and rule.type in SYMMETRIC
            ):
                roles.sources = self.actors(head.head, deep=False)  # "Kenyan troops, in concert with X"
                roles.inherited = True
        if rule.both_ways and not roles.sources and tok.dep_ == "pobj" and tok.head.head.pos_ == "VERB":
            verb = tok.head.head  # "soldiers were killed in a clash with X": one side of it
            roles.sources = [a for c in verb.children if c.dep_ in PASSIVE_OR_SUBJECT for a in self.actors(c)]
        if tok.dep_ == "dobj" and tok.head.lemma_.lower() in self.lexicon.defending_verbs:
            roles.targets += self.subject(tok.head)[0]  # "repelled an attack by the rebels"
        if (
            rule.type in HOSTILE
            and tok.dep_ == "dobj"
            and tok.head.lemma_.lower() in self.lexicon.joining_verbs
        ):
            roles.sources += self.subject(tok.head)[0]  # "French jets joined the strikes"
        if (
            not roles.targets
            and rule.type in HOSTILE
            and tok.dep_ == "pobj"
            and tok.head.lower_ in ("in", "by")
        ):
            verb = tok.head.head  # "a soldier was killed in a rebel attack"
            clause = (
                verb.head
                if verb.dep_ == "conj" and not any(c.dep_ == "nsubjpass" for c in verb.children)
                else verb
            )
            if verb.pos_ == "VERB" and any(c.dep_ == "auxpass" for c in clause.children):
                roles.targets += [a for c in clause.children if c.dep_ == "nsubjpass" for a in self.actors(c)]
            elif clause.lemma_.lower() in self.lexicon.dying_verbs:  # "soldiers died in an ambush"
                roles.targets += [a for c in clause.children if c.dep_ == "nsubj" for a in self.actors(c)]
            if not roles.targets and verb.dep_ == "conj" and verb.head.pos_ == "VERB":
                # "two soldiers were killed and five were wounded in an attack"
                roles.targets += [
                    a for c in verb.head.children if c.dep_ == "nsubjpass" for a in self.actors(c)
                ]
        return roles

    def _undergone(self, tok: Token) -> Roles | None:
        """ "the town came under attack by X", "troops were under Turkish fire": who does it is named by
        the noun's modifiers or by its or the verb's "by"/"from" phrase, who undergoes it by the verb's
        subject (or, for a place, whoever holds it)."""
        if tok.dep_ != "pobj" or tok.head.lower_ != "under" or tok.head.head.pos_ not in ("VERB", "AUX"):
            return None
        verb, preps = tok.head.head, self.lexicon.undergoing_preps
        sources = [a for c in tok.children if c.dep_ in ("poss", "amod", "compound") for a in self.actors(c)]
        sources += self._prep_objects(tok, preps) + self._prep_objects(verb, preps)
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        targets = [a for c in subjects for a in self.actors(c)]
        if not targets and self.holders is not None:
            targets = [a for c in subjects for a in self.holders.of(c, self)]
        return Roles(sources=[a for a in sources if a not in targets], targets=targets)

    def _names_other(self, tok: Token, rule: Trigger) -> bool:
        """Whether the noun's "of" phrase names who acts and that is no actor ("the evacuation of
        civilians", "the entry of aid"): then the clause's subject does not act it."""
        return rule.of_is == "source" and any(
            c.dep_ == "prep" and c.lower_ == "of" and not self._prep_objects(tok, frozenset({"of"}))
            for c in tok.children
        )

    def _governing_subject(self, noun: Token) -> list[str]:
        """The subject of the verb a noun's prepositional phrase hangs from, through a few nouns."""
        up = noun
        for _ in range(5):
            if up.dep_ not in ("pobj", "prep", "dobj") or up.head == up:
                return []
            up = up.head
            if up.pos_ in ("VERB", "AUX"):
                return self.subject(up)[0]
        return []

    def _preceding(self, verb: Token) -> list[str]:
        """When the parse gives a verb no subject, the names right before it, if only adverbs,
        auxiliaries, dates or list punctuation stand between ("Russia and Iran in 2018 agreed")."""
        found: list[str] = []
        i = verb.i - 1
        while i >= 0:
            tok = verb.doc[i]
            mention = self.by_token.get(i)
            if mention is not None and mention.kind != "pronoun":
                found = list(mention.actors) + found
                i = mention.start - 1
                continue
            if tok.pos_ in ("ADV", "AUX", "PART", "NUM", "CCONJ", "DET") or tok.text in (
                ",",
                "in",
                "on",
                "last",
            ):
                i -= 1
                continue
            break
        return found

    def reporter(self, tok: Token, direct: bool = False, warning: bool = False) -> list[str]:
        """The subject of the reporting verb whose clause holds ``tok``; when ``direct``, only when
        no more than one verb stands between them ("said X was hit by an attack carried out by Y",
        not "said X wrote to apologise for the attack"); with ``warning``, verbs of warning report too
        ("warned that X would pay")."""
        reporting = self.lexicon.speech_verbs | (self.lexicon.warning_verbs if warning else frozenset())
        clause = tok
        verbs = 0
        for _ in range(4):
            verbs += clause.pos_ == "VERB" and clause != tok
            if direct and verbs > 1:
                break
            if clause.dep_ == "ccomp" and clause.head.lemma_.lower() in reporting:
                return self.subject(clause.head)[0]
            if clause.head == clause:
                break
            clause = clause.head
        return []

    def _movers(self, verb: Token, patients: list[str]) -> list[str]:
        """Who moves when no subject does: "US troops were stationed", "pulled US troops out",
        "fighters left the rebel-held sector"; not a place left ("fled Syria") nor a pronoun."""
        if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or verb.dep_ == "acl":
            return patients
        events = self.events | self.lexicon.war_nouns
        if any(c.dep_ in SUBJECT_DEPS and c.lemma_.lower() in events for c in verb.children):
            return []  # "the war left thousands dead": an event leaves nothing
        movers: list[str] = []
        for obj in verb.children:
            if obj.dep_ != "dobj":
                continue
            own = self.by_token.get(obj.i)
            for t in obj.subtree:
                mention = self.by_token.get(t.i)
                if any(a.lemma_.lower() in self.lexicon.war_nouns for a in t.ancestors):
                    continue  # "fled the Peru-Ecuador war": its sides do not move
                if mention is not None and mention is not own and mention.kind != "pronoun":
                    movers.extend(mention.actors)
        return movers

    def _stranded_targets(self, tok: Token, rule: Trigger) -> list[str]:
        """The target phrase the parser hung on the verb above an attack noun in a phrase of its own
        ("focused on Syria's push on the rebels": the push is on the rebels, nothing is focused on them)."""
        if tok.dep_ != "pobj" or tok.head.dep_ != "prep":
            return []
        after = tok.doc[tok.right_edge.i + 1] if tok.right_edge.i + 1 < len(tok.doc) else None
        if (
            after is None
            or after.head != tok.head.head
            or after.dep_ != "prep"
            or after.lower_ != tok.head.lower_
            or after.lower_ not in rule.targets
        ):
            return []
        return [a for o in after.children if o.dep_ == "pobj" for a in self.actors(o)]

    def _movers_of(self, move: Token) -> list[str]:
        """Who makes a move a noun names: its possessor or its "of" phrase ("Syria's push", "the advance
        of the army")."""
        owners = [a for c in move.children if c.dep_ == "poss" for a in self.actors(c)]
        return owners + self._prep_objects(move, frozenset({"of"}))

    def holders_of_places(self, tok: Token) -> list[str]:
        """Who holds the places an attack, a capture or an entry is done to."""
        if self.holders is None:
            return []
        return [a for place in self._places(tok) for a in self.holders.of(place, self)]

    def states_of_places(self, tok: Token, doers: list[str]) -> list[str]:
        """The states the places an attack or a capture is done to lie in, when none is said to be held."""
        if self.holders is None:
            return []
        found = [a for place in self._places(tok) for a in self.holders.state_of(place, self, doers)]
        return list(dict.fromkeys(found))

    def _places(self, tok: Token) -> list[Token]:
        """The nouns naming what an attack or a capture is done to: the verb's object or passive subject,
        the object of its place prepositions, or of those of the light verb that launches it."""
        anchors = [tok]
        if tok.dep_ in ("dobj", "attr") and tok.head.pos_ in ("VERB", "AUX"):
            anchors.append(tok.head)  # "launched an assault on the town"
        places = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")] if tok.pos_ == "VERB" else []
        for anchor in anchors:
            for prep in anchor.children:
                if prep.dep_ == "prep" and prep.lower_ in self.lexicon.place_preps:
                    places += [o for o in prep.children if o.dep_ == "pobj"]
        return places

    def _accord_parties(self, tok: Token, rule: Trigger) -> list[str]:
        """Who else is party to the agreement one leaves or rejects ("withdrew from the accord with Iran")."""
        accords = [
            o
            for c in tok.children
            if c.dep_ == "prep" and c.lower_ in rule.targets | rule.particle
            for o in objects_through(c)
            if o.lemma_.lower() in self.lexicon.agreement_nouns
        ]
        return [a for accord in accords for a in self._prep_objects(accord, self.lexicon.symmetric_preps)]

    def _truces(self, tok: Token) -> list[Token]:
        """What a request asks the sides of a fight to make: "called for a truce", "urged an end to"."""
        objects = [c for c in tok.children if c.dep_ == "dobj"]
        objects += [o for c in tok.children if c.dep_ == "prep" and c.lower_ == "for" for o in c.children]
        return [o for o in objects if o.lemma_.lower() in self.lexicon.truce_nouns]

    def _purpose_objects(self, tok: Token) -> list[str]:
        """ "launched an offensive to drive insurgents out": the object of the purpose clause."""
        out: list[str] = []
        for clause in tok.children:
            if clause.dep_ in ("acl", "relcl", "advcl", "xcomp") and any(
                c.dep_ == "aux" and c.lower_ == "to" for c in clause.children
            ):
                out += [a for c in clause.children if c.dep_ == "dobj" for a in self.actors(c)]
        return out


def _listed(appos: Token) -> bool:
    """Whether an apposition is a list the parse hung on its first member: a name that heads a
    coordination ("X, Country's Y, Z and W held talks": Y, Z and W are no description of X)."""
    return appos.pos_ == "PROPN" and any(c.dep_ == "conj" for c in appos.children)


def _infinitive(clause: Token) -> bool:
    """A noun's infinitive clause ("the refusal to sign")."""
    return clause.dep_ == "acl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children)


def for_clause(tok: Token) -> bool:
    """A clause with its own subject introduced by "for" ("called for Peru to withdraw")."""
    return tok.dep_ in ("advcl", "ccomp") and any(
        c.dep_ == "mark" and c.lower_ == "for" for c in tok.children
    )


def objects_through(prep: Token) -> list[Token]:
    """The objects of a preposition, or of a compound one ("out of", "away from")."""
    return [o for p in (prep, *(c for c in prep.children if c.dep_ == "prep")) for o in p.children]


def _shares_passive(verb: Token) -> bool:
    """A participle joined to a passive verb whose subject and auxiliary it shares ("were attacked and
    killed by X": killed)."""
    return (
        verb.dep_ == "conj"
        and verb.tag_ == "VBN"
        and not any(c.dep_ in ("nsubj", "nsubjpass", "auxpass", "aux") for c in verb.children)
        and any(c.dep_ == "auxpass" for c in verb.head.children)
    )


def _passive_conjuncts(verb: Token) -> list[Token]:
    """The passive verbs joined to ``verb`` that share its subject ("were attacked and killed by X"),
    whose "by" phrase is also its own."""
    out = [c for c in verb.children if _shares_passive(c)]
    return [*out, verb.head] if _shares_passive(verb) else out


def _finite(verb: Token) -> bool:
    """A verb with a tense of its own, not an infinitive or a participle."""
    return verb.pos_ == "VERB" and (
        verb.tag_ in ("VBD", "VBP", "VBZ") or any(c.dep_ == "aux" and c.lower_ != "to" for c in verb.children)
    )
