"""The build's reading of the non-state group dictionary: which names a group keeps."""

from __future__ import annotations

from agents.kb.build.groups import groups

DICTIONARY = """
NORTHERN_VALLEY_LIBERATION_ARMY_(NVLA)_ [XYZREB] #  sample
+VALLEY_PATRIOTS_(VPA)_
+PEOPLES_VALLEY_ARMY_(PLA)_
"""


def test_an_acronym_is_kept_only_when_it_abbreviates_one_of_the_group_s_names() -> None:
    (entry,) = groups(DICTIONARY, {})
    assert "NVLA" in entry["aliases"]  # Northern Valley Liberation Army
    assert "VPA" not in entry["aliases"] and "PLA" not in entry["aliases"]
    assert "Northern Valley Liberation Army" in entry["aliases"]
