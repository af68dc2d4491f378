"""Knowledge base: actors, people and their tenures, zones, and every name they go by."""

from agents.kb.load import KnowledgeBaseError, load_kb
from agents.kb.model import Actor, KnowledgeBase, Name, Person, Tenure, Zone

__all__ = ["Actor", "KnowledgeBase", "KnowledgeBaseError", "Name", "Person", "Tenure", "Zone", "load_kb"]
