"""The offline gazetteer: GeoNames cities500 for the region, the team's files in geo/
(places, aliases, governorates), looked up by exact name, spelling, skeleton and typo.

``model`` (places, matches), ``index`` (the names under their keys), ``lookup`` (the
search), ``load`` (building it from the files, cached per files' stamp).
"""

from conflictmap.gazetteer.index import Gazetteer
from conflictmap.gazetteer.load import load_gazetteer
from conflictmap.gazetteer.model import GEONAMES, SAME_PLACE_KM, Match, Place, distance_km

__all__ = [
    "GEONAMES",
    "SAME_PLACE_KM",
    "Gazetteer",
    "Match",
    "Place",
    "distance_km",
    "load_gazetteer",
]
