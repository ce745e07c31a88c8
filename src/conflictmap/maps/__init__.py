"""Everything drawn on a map, in folium: the base and its view (``base``), incidents one
by one (``incidents``), hexagons (``hexagons``), counts per area (``choropleth``), what
changed (``changes``), context layers (``context``), the legend (``legend``), the
drawing and playback controls (``drawing``, ``playback``), and what a view draws
(``compose``). The numbers behind them come from the pure modules one level up
(``hexbins``, ``areas``, ``changes``, ``playback``).
"""

from conflictmap.maps import verbatim

verbatim.install()  # no text from a file is ever compiled as a template (see verbatim)
