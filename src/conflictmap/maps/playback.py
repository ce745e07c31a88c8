"""The playback control on the map: it steps the incidents through the frames in the
browser and reports the frame it is paused on.
"""

from __future__ import annotations

import datetime as dt
import json

from branca.element import MacroElement
from jinja2 import Template

from conflictmap.errors import UsageError
from conflictmap.i18n import ENGLISH, Wording
from conflictmap.playback import TAG, Frame, Playback, day_number, frames, in_window


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


def add_playback(
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
