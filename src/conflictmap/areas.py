"""Incidents counted per administrative unit — governorate, district or sub-district —
when a boundary file is among the reference layers (``geo/layers/``, ``data/layers/``):
a choropleth on the map and a table of counts and fatalities per unit.

A boundary file is any polygon layer with a name field; the common conventions are
recognised (OCHA COD-AB ``ADM2_EN``/``ADM2_AR``/``ADM2_PCODE``, geoBoundaries
``shapeName``, GADM ``NAME_2``/``NL_NAME_2``, plain ``name``/``name_ar``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import folium
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from conflictmap.errors import InputError
from conflictmap.i18n import ENGLISH, N_, Wording
from conflictmap.layers import RefLayer, _source, find_layers
from conflictmap.settings import Settings
from conflictmap.text import html_text

LEVELS = {
    0: N_("country"),
    1: N_("governorate"),
    2: N_("district"),
    3: N_("sub-district"),
    4: N_("community"),
}
CLASS_COLOURS = ("#fff3b0", "#fdc35c", "#f88d3c", "#e4502b", "#b3001e")  # light to dark
MEASURES = (N_("incidents"), N_("fatalities"))  # Incidents, Fatalities in keys: see i18n


@dataclass(frozen=True, eq=False)  # one object per file read: hashed by identity
class Units:
    """The polygons of one boundary file, with their names and codes."""

    layer: str
    level: str
    names: tuple[str, ...]
    names_ar: tuple[str, ...]
    codes: tuple[str, ...]
    shapes: np.ndarray  # shapely geometries, EPSG:4326

    def __len__(self) -> int:
        return len(self.names)

    def assign(self, longitude, latitude) -> np.ndarray:
        """The unit each point falls in (its position in ``names``), -1 outside all; a
        point on a shared border goes to the first unit. Each distinct point is looked up
        once, in the prepared polygons whose box holds it."""
        where = np.asarray(longitude, float) + 1j * np.asarray(latitude, float)
        back, places = pd.factorize(where)  # distinct points, as complex numbers
        found = np.full(len(places), -1, dtype=np.int32)
        x, y = np.real(places), np.imag(places)
        for i, (shape, box) in enumerate(zip(self.shapes, _boxes(self), strict=True)):
            todo = np.flatnonzero(
                (found < 0) & (x >= box[0]) & (x <= box[2]) & (y >= box[1]) & (y <= box[3])
            )
            if len(todo):
                found[todo[shapely.intersects_xy(shape, x[todo], y[todo])]] = i
        return found[back]


@lru_cache(maxsize=8)
def _boxes(units: Units) -> np.ndarray:
    shapely.prepare(units.shapes)
    return shapely.bounds(units.shapes)


def _fields(columns: list[str]) -> tuple[int | None, str, str | None, str | None]:
    """(admin level, name field, Arabic name field, code field) of a boundary table."""
    levels = {}
    for column in columns:
        match = re.fullmatch(r"(?i)adm(\d)_(en|ar|pcode)", column) or re.fullmatch(
            r"(?i)(?:nl_)?name_(\d)", column
        )
        if match:
            levels.setdefault(int(match[1]), []).append(column)
    if levels:
        level = max(levels)
        named = {c.lower(): c for c in levels[level]}
        name = named.get(f"adm{level}_en") or named.get(f"name_{level}")
        if name:
            arabic = named.get(f"adm{level}_ar") or named.get(f"nl_name_{level}")
            return level, name, arabic, named.get(f"adm{level}_pcode")
    lower = {c.lower(): c for c in columns}
    for name, arabic in (("shapename", None), ("name_en", "name_ar"), ("name", "name_ar")):
        if name in lower:
            return None, lower[name], lower.get(arabic or ""), lower.get("shapeid")
    raise InputError("no name field (ADM2_EN, NAME_2, shapeName or name)")


def _text(values) -> tuple[str, ...]:
    return tuple("" if pd.isna(v) else str(v).strip() for v in values)


@lru_cache(maxsize=8)
def _read(path: Path, _mtime: int, name: str) -> Units | None:
    import geopandas as gpd

    frame = gpd.read_file(_source(path), engine="pyogrio")
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    frame = frame[frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    if frame.empty:
        return None
    level, field, arabic, code = _fields([c for c in frame.columns if c != "geometry"])
    return Units(
        name,
        LEVELS.get(level, N_("area")) if level is not None else N_("area"),
        _text(frame[field]),
        _text(frame[arabic]) if arabic else ("",) * len(frame),
        _text(frame[code]) if code else ("",) * len(frame),
        shapely.make_valid(frame.geometry.to_numpy()),
    )


def read_units(layer: RefLayer) -> Units | None:
    """The units of a boundary layer; None for a layer of lines or points."""
    try:
        return _read(layer.path, layer.path.stat().st_mtime_ns, layer.name)
    except InputError:
        return None
    except Exception:  # an unreadable layer is reported where layers are listed
        return None


def boundary_layers(settings: Settings) -> dict[str, Units]:
    """Every reference layer that is a boundary file, by its display name."""
    found = {}
    for layer in find_layers(settings):
        units = read_units(layer)
        if units is not None and len(units):
            found[layer.name] = units
    return found


def count(units: Units, frame: pd.DataFrame, assigned: np.ndarray | None = None) -> pd.DataFrame:
    """Incidents and reported fatalities per unit (every unit, zero included), the
    faction with most incidents there; ``assigned`` (from ``Units.assign``) saves the
    point-in-polygon step when it is known for these rows."""
    if assigned is None:
        assigned = units.assign(frame["longitude"], frame["latitude"])
    inside = assigned >= 0
    n = len(units)
    killed = frame["fatalities"].fillna(0).to_numpy(dtype="float64")
    table = pd.DataFrame(
        {
            "unit": list(units.names),
            "unit_ar": list(units.names_ar),
            "code": list(units.codes),
            "incidents": np.bincount(assigned[inside], minlength=n),
            "fatalities": np.bincount(assigned[inside], killed[inside], minlength=n).astype(int),
        }
    )
    leading = pd.Series("", index=range(n), dtype=object)
    if inside.any():
        by = pd.crosstab(assigned[inside], frame["faction"].astype(str).to_numpy()[inside])
        leading.loc[by.index] = by.idxmax(axis=1).to_numpy()
    table["leading_faction"] = leading.to_numpy()
    table.attrs["outside"] = int((~inside).sum())
    return table


def breaks(values: np.ndarray, classes: int = len(CLASS_COLOURS)) -> list[int]:
    """Upper bounds of up to five classes of the non-zero values (quantiles, rounded to
    whole numbers, distinct), so one busy unit does not wash out the rest."""
    positive = np.asarray(values, float)
    positive = positive[positive > 0]
    if not len(positive):
        return []
    ranked, n = np.sort(positive), len(positive)
    cuts = [ranked[(k * n + classes - 1) // classes - 1] for k in range(1, classes + 1)]
    return sorted({int(np.ceil(c)) for c in cuts})  # each k-th fifth's largest value


def colour(value: float, bounds: list[int]) -> str | None:
    if value <= 0 or not bounds:
        return None
    for i, bound in enumerate(bounds):
        if value <= bound:
            return CLASS_COLOURS[len(CLASS_COLOURS) - len(bounds) + i]
    return CLASS_COLOURS[-1]


def _popup(row, w: Wording = ENGLISH) -> str:
    e = html_text
    first, second = (row.unit_ar, row.unit) if w.rtl and row.unit_ar else (row.unit, row.unit_ar)
    names = e(first) + (f" · <span dir='auto'>{e(second)}</span>" if second else "")
    code = f" ({e(row.code)})" if row.code else ""
    lead = ""
    if row.leading_faction:
        lead = "<br>" + e(w("Most incidents: {faction}", faction=w.name(row.leading_faction)))
    figures = w(
        "{count} incidents, {killed} reported fatalities",
        count=f"{int(row.incidents):,}",
        killed=f"{int(row.fatalities):,}",
    )
    return f"<div dir='{w.dir}'><b>{names}</b>{code}<br>{e(figures)}{lead}</div>"


def choropleth_layer(
    units: Units, table: pd.DataFrame, measure: str = "incidents", w: Wording = ENGLISH
):
    """The units filled by class of ``measure``; units with none are outlined only."""
    bounds = breaks(table[measure].to_numpy())
    shapes = units.shapes
    if sum(len(shapely.to_wkb(g)) for g in shapes) > 2_000_000:  # keep pages light
        shapes = shapely.simplify(shapes, 0.005, preserve_topology=True)
    features = []
    for row, shape in zip(table.itertuples(), shapes, strict=True):
        fill = colour(getattr(row, measure), bounds)
        shown = row.unit_ar if w.rtl and row.unit_ar else row.unit
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(shapely.to_geojson(shape)),
                "properties": {
                    "fill": fill or "#ffffff",
                    "opacity": 0.7 if fill else 0.0,
                    "tip": html_text(f"{shown}: {int(getattr(row, measure)):,} {w(measure)}"),
                    "popup": _popup(row, w),
                },
            }
        )
    title = w(
        "{layer}: {measure} per {level}",
        layer=units.layer,
        measure=w(measure),
        level=w(units.level),
    )
    group = folium.FeatureGroup(name=html_text(title))
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        style_function=_style,
        highlight_function=lambda _f: {"weight": 2.5, "color": "#000"},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False, max_width=380),
    ).add_to(group)
    group.add_child(AreaKey(key_html(bounds, measure, units, w)))
    return group


class AreaKey(MacroElement):
    """The choropleth's classes in a box on the map, shown while its layer is: a layer
    redrawn by the dashboard (filters, pan) brings its own key and takes it away."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var group = {{ this._parent.get_name() }}, key = L.control({position: "bottomright"});
  key.onAdd = function () {
    var box = L.DomUtil.create("div", "cm-area-key");
    box.style.cssText = "background:rgba(255,255,255,.93);padding:6px 9px;" +
      "border:1px solid #999;border-radius:4px;font:12px/1.35 sans-serif";
    box.innerHTML = {{ this.body }};
    return box;
  };
  function show() { if (group._map && !key._map) { key.addTo(group._map); } }
  group.on("add", show);
  group.on("remove", function () { key.remove(); });
  setTimeout(show);
})();
{% endmacro %}""")

    def __init__(self, body: str):
        super().__init__()
        self._name = "AreaKey"
        self.body = json.dumps(body, ensure_ascii=False).replace("</", "<\\/")


def _style(feature) -> dict:
    return {
        "fillColor": feature["properties"]["fill"],
        "fillOpacity": feature["properties"]["opacity"],
        "color": "#444444",
        "weight": 1,
    }


def key_html(bounds: list[int], measure: str, units: Units, w: Wording = ENGLISH) -> str:
    """The legend lines of a choropleth: each class's range and colour."""
    e = html_text
    colours = CLASS_COLOURS[len(CLASS_COLOURS) - len(bounds) :]
    rows, low = [], 1
    for bound, fill in zip(bounds, colours, strict=True):
        span = f"{low:,}" if low == bound else f"{low:,}–{bound:,}"
        rows.append(
            f"<div><span style='display:inline-block;width:14px;height:11px;background:{fill};"
            f"border:1px solid #444;margin-right:5px'></span>{span}</div>"
        )
        low = bound + 1
    rows.append(f"<div>{e(w('outline only: none'))}</div>")
    head = e(w("{measure} per {level}", measure=w(measure.capitalize()), level=w(units.level)))
    head = f"<b>{head}</b> ({e(units.layer)})"
    return f"<div dir='{w.dir}'><div style='margin-top:4px'>{head}</div>{''.join(rows)}</div>"
