"""Playback: the map stepped through time, by day, week or month, as a moving window or
cumulatively.

The frames are computed here; the stepping happens in the browser (``PlaybackControl``),
so playing never reruns the app: the incidents drawn one by one (``IncidentMarkers``)
register their dates with the control, which shows and hides them per frame. folium's
time plugins rebuild the map inside streamlit-folium and lose their state; this control
is part of the map's own page and keeps it. When paused, it reports the frame to the
app (through streamlit-folium's ``selected_tags`` return value), so the link and the
snapshot show the window the analyst is looking at.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from branca.element import MacroElement
from jinja2 import Template

from conflictmap.errors import UsageError
from conflictmap.i18n import ENGLISH, N_, Wording

STEPS = (N_("day"), N_("week"), N_("month"))
MODES = ("window", "cumulative")
MODE_NAMES = {"window": N_("moving window"), "cumulative": N_("cumulative")}
EPOCH = dt.date(1970, 1, 1)
TAG = "playback:"  # the prefix of the frame number the map reports
ONE_AT_A_TIME = {
    "day": N_("one day at a time"),
    "week": N_("one week at a time"),
    "month": N_("one month at a time"),
}


@dataclass(frozen=True)
class Frame:
    start: dt.date
    end: dt.date
    label: str


@dataclass(frozen=True)
class Playback:
    step: str = "week"
    mode: str = "window"
    at: int = 0  # the frame shown (paused) or played from

    def __post_init__(self):
        if self.step not in STEPS:
            raise UsageError(f"Playback step {self.step!r}: use one of {', '.join(STEPS)}.")
        if self.mode not in MODES:
            raise UsageError(f"Playback mode {self.mode!r}: use one of {', '.join(MODES)}.")

    def describe(self, frame: Frame, w: Wording = ENGLISH) -> str:
        how = w("cumulative") if self.mode == "cumulative" else w(ONE_AT_A_TIME[self.step])
        return w("Playback ({how}): {window}", how=how, window=frame.label)


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def _period_start(day: dt.date, step: str) -> dt.date:
    if step == "week":
        return day - dt.timedelta(days=day.weekday())
    if step == "month":
        return day.replace(day=1)
    return day


def _period_end(start: dt.date, step: str) -> dt.date:
    if step == "week":
        return start + dt.timedelta(days=6)
    if step == "month":
        following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return following - dt.timedelta(days=1)
    return start


def _label(start, end, step: str, first, mode: str, w: Wording = ENGLISH) -> str:
    day = lambda d: w.day(d, hijri=False)  # noqa: E731
    if mode == "cumulative":
        return w("{start} to {end}", start=day(first), end=day(end))
    if step == "day":
        return w.day(start)  # in Arabic with the Hijri date too
    if step == "month" and start.day == 1 and _period_end(start, step) == end:
        return w.month(start)
    return w("{start} to {end}", start=day(start), end=day(end))


def frames(
    first: dt.date, last: dt.date, step: str, mode: str = "window", w: Wording = ENGLISH
) -> list[Frame]:
    """The windows from ``first`` to ``last``: calendar days, weeks (Monday to Sunday) or
    months, cut to the range; cumulative frames all start at ``first``."""
    out = []
    start = _period_start(first, step)
    while start <= last:
        end = _period_end(start, step)
        window = (max(start, first), min(end, last))
        shown = (first, window[1]) if mode == "cumulative" else window
        out.append(Frame(*shown, _label(*window, step, first, mode, w)))
        start = end + dt.timedelta(days=1)
    return out


def frame_of(tags) -> int | None:
    """The frame number the map reported (``selected_tags``), if any."""
    for tag in tags or []:
        if isinstance(tag, str) and tag.startswith(TAG) and tag[len(TAG) :].isdigit():
            return int(tag[len(TAG) :])
    return None


class PlaybackControl(MacroElement):
    """Play/pause, a slider over the frames and the current window, on the map."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }}, frames = {{ this.frames }};
  var cumulative = {{ this.cumulative }}, at = {{ this.at }}, timer = null;
  var counts = {{ this.counts }}, words = {{ this.words }};
  function say(text, n) { return text.replace("{count}", n.toLocaleString("en")); }
  var reg = window.__cmTimed = window.__cmTimed || {layers: [], show: null};
  // streamlit-folium returns a tag filter's selection: the paused frame goes back that way
  var hook = window.tag_filter_button_cmplayback = {_selectedTags: [],
    options: {onSelectionComplete: function () {}}};
  function visible(span, f) { return span[0] <= f[1] && (cumulative || span[1] >= f[0]); }
  function apply(entry) {
    var f = frames[at], add = [], remove = [], n = 0;
    entry.markers.forEach(function (m, i) {
      var v = visible(entry.spans[i], f); n += v ? 1 : 0;
      if (v !== entry.shown[i]) { (v ? add : remove).push(m); entry.shown[i] = v; }
    });
    if (entry.parent.addLayers) { entry.parent.removeLayers(remove); entry.parent.addLayers(add); }
    else { remove.forEach(function (m) { entry.parent.removeLayer(m); });
           add.forEach(function (m) { entry.parent.addLayer(m); }); }
    if (entry.parent._map) { entry.seen = true; }
    return n;
  }
  var box = L.DomUtil.create("div", "cm-playback leaflet-bar");
  box.dir = words.dir;
  box.innerHTML = '<button type="button" class="cm-play">▶</button>' +
    '<input type="range" class="cm-frame" min="0" max="' + (frames.length - 1) + '">' +
    '<div class="cm-window"></div><div class="cm-count"></div>';
  var button = box.querySelector(".cm-play"), slider = box.querySelector(".cm-frame");
  button.title = words.play;
  L.DomEvent.disableClickPropagation(box); L.DomEvent.disableScrollPropagation(box);
  function go(i) {
    at = Math.max(0, Math.min(frames.length - 1, i));
    reg.layers = reg.layers.filter(function (e) { return e.parent._map || !e.seen; });
    var n = 0; reg.layers.forEach(function (e) { n += apply(e); });
    slider.value = at;
    box.querySelector(".cm-window").textContent = frames[at][2];
    box.querySelector(".cm-count").textContent = reg.layers.length ?
      say(n === 1 ? words.one : words.many, n) + " · " +
      words.frame.replace("{at}", at + 1).replace("{of}", frames.length) : words.nothing;
    window.__cmFrame = at;
    document.querySelectorAll(".cm-play-label").forEach(function (e) {
      e.textContent = frames[at][2]; });
    var total = counts ? counts[at] : n;  // counts: every incident of the frame
    document.querySelectorAll(".cm-play-count").forEach(function (e) {
      e.textContent = say(total === 1 ? words.one : words.many, total); });
  }
  function report() { hook.options.onSelectionComplete(["{{ this.tag }}" + at]); }
  function pause() { clearInterval(timer); timer = null; button.textContent = "▶"; report(); }
  function play() {
    if (at >= frames.length - 1) { go(0); }
    button.textContent = "⏸";
    timer = setInterval(function () {
      if (at >= frames.length - 1) { pause(); } else { go(at + 1); }
    }, {{ this.interval }});
  }
  button.addEventListener("click", function () { if (timer) { pause(); } else { play(); } });
  slider.addEventListener("input", function () { go(+slider.value); });
  slider.addEventListener("change", report);
  var control = L.control({position: "topright"});
  control.onAdd = function () { return box; };
  control.addTo(map);
  reg.show = function () { go(at); };  // layers drawn later (a pan) join the frame
  window.cmPlayback = {go: go, play: play, pause: pause, frames: frames.length,
    state: function () { return {at: at, label: frames[at][2], playing: !!timer}; }};
  go(at);
})();
{% endmacro %}""")

    def __init__(
        self,
        frames_: list[Frame],
        playback: Playback,
        interval_ms: int = 700,
        counts=None,
        w: Wording = ENGLISH,
    ):
        super().__init__()
        self._name = "PlaybackControl"
        if not frames_:
            raise UsageError("Playback needs at least one day of incidents.")
        self.frames = _js([[day_number(f.start), day_number(f.end), f.label] for f in frames_])
        self.cumulative = "true" if playback.mode == "cumulative" else "false"
        self.at = min(max(playback.at, 0), len(frames_) - 1)
        self.interval = int(interval_ms)
        self.tag = TAG
        self.counts = json.dumps([int(c) for c in counts]) if counts is not None else "null"
        self.words = _js(
            {
                "one": w("{count} incident"),
                "many": w("{count} incidents"),
                "frame": w("frame {at} of {of}"),
                "nothing": w("Nothing to play here: hexagons count this view. Zoom in or filter."),
                "play": w("Play or pause"),
                "dir": w.dir,
            }
        )


PLAYBACK_CSS = """<style>.cm-playback{background:#fff;padding:6px 8px;font:12px/1.3 sans-serif;
 min-width:230px}.cm-playback button{font-size:15px;width:30px;height:26px;cursor:pointer;
 vertical-align:middle}.cm-playback input{width:180px;vertical-align:middle}
.cm-window{font:bold 15px/1.4 sans-serif;margin-top:3px}.cm-count{color:#555}</style>"""


def _js(value) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def add_to(
    fmap,
    first: dt.date,
    last: dt.date,
    playback: Playback,
    interval_ms=700,
    data=None,
    words: Wording = ENGLISH,
):
    """Put the playback control on a folium map; returns the frames and the one shown.
    With ``data`` (the incidents), each frame's count is theirs, not only those drawn."""
    from branca.element import Element

    steps = frames(first, last, playback.step, playback.mode, words)
    counts = None
    if data is not None:
        counts = [int(in_window(data, f, playback.mode).sum()) for f in steps]
    control = PlaybackControl(steps, playback, interval_ms, counts, words)
    fmap.add_child(control)
    fmap.get_root().header.add_child(Element(PLAYBACK_CSS), name="cm_playback_css")
    return steps, steps[control.at]


def in_window(frame, shown: Frame, mode: str):
    """The incidents a frame shows (as the control in the page decides): those
    overlapping its days, or, cumulative, those begun by its last day."""
    import pandas as pd

    keep = frame["event_date"] <= pd.Timestamp(shown.end)
    if mode == "cumulative":
        return keep
    return keep & (frame["end_date"].fillna(frame["event_date"]) >= pd.Timestamp(shown.start))
