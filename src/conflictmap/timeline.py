"""Events and fatalities over time, by faction (the dashboard's timeline chart)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd

TABLE_DAYS = 100_000  # dates further apart (274 years) are converted one by one


def pick_period(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "week"
    span = (frame["event_date"].max() - frame["event_date"].min()).days
    return "day" if span <= 90 else "week" if span <= 3 * 365 else "month"


def timeline(frame: pd.DataFrame, period: str | None = None) -> pd.DataFrame:
    """One row per period and faction: events, fatalities (0 where unknown)."""
    columns = ["period", "faction", "events", "fatalities"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    period = period or pick_period(frame)
    days = frame["event_date"].to_numpy().astype("datetime64[D]")
    faction = frame["faction"].astype("category")
    names = faction.cat.categories
    which = faction.cat.codes.to_numpy().astype("int64")
    known = (which >= 0) & ~np.isnat(days)  # rows without a faction or a date count nowhere
    if not known.any():
        return pd.DataFrame(columns=columns)
    number = period_number(days[known], period)
    first = number.min()
    cell = (number - first) * len(names) + which[known]  # one count per (period, faction)
    killed = frame["fatalities"].fillna(0).to_numpy(dtype="int64")[known]
    events = np.bincount(cell)
    fatalities = np.bincount(cell, weights=killed).round().astype("int64")
    held = np.flatnonzero(events)
    return pd.DataFrame(
        {
            "period": period_first_day(first + held // len(names), period),
            "faction": np.asarray(names.astype(str), dtype=object)[held % len(names)],
            "events": events[held],
            "fatalities": fatalities[held],
        },
        columns=columns,
    )


def period_number(days: np.ndarray, period: str) -> np.ndarray:
    """Each day's (``datetime64[D]``) day, week or month as a whole number: consecutive
    periods are consecutive numbers, so a count over them needs no sort."""
    count = days.astype("int64")  # days since 1970-01-01, a Thursday
    if period == "week":  # weeks start on Monday, 3 days before 1970-01-01
        return (count + 3) // 7
    if period == "month" and len(count):
        first, last = count.min(), count.max()
        if last - first > TABLE_DAYS:
            return days.astype("datetime64[M]").astype("int64")
        # numpy's day-to-month conversion is slow (30 ms a million): convert each day
        # between the first and the last once, then look every date up
        between = np.arange(first, last + 1).astype("datetime64[D]")
        return between.astype("datetime64[M]").astype("int64")[count - first]
    return count


def period_first_day(number: np.ndarray, period: str) -> pd.DatetimeIndex:
    """The first day of each period ``period_number`` gave."""
    if period == "week":
        days = (number * 7 - 3).astype("datetime64[D]")
    elif period == "month":
        days = number.astype("datetime64[M]").astype("datetime64[D]")
    else:
        days = number.astype("datetime64[D]")
    return pd.DatetimeIndex(days.astype("datetime64[ns]"))


def month_names(lang: str = "en") -> list[str]:
    """The twelve months as the axis writes them: "Jan"…, or the Levantine Arabic names."""
    if lang != "ar":
        return [dt.date(2000, m, 1).strftime("%b") for m in range(1, 13)]
    from babel.dates import format_date

    from conflictmap.i18n.wording import GREGORIAN_LOCALE

    return [format_date(dt.date(2000, m, 1), "MMMM", locale=GREGORIAN_LOCALE) for m in range(1, 13)]


def ticks(first, last) -> dict:
    """Whole days, weeks, months or years between ticks, as the span needs: never a tick
    between two days (no "12 PM")."""
    span = (pd.Timestamp(last) - pd.Timestamp(first)).days
    if span <= 16:
        return {"interval": "day", "step": 1}
    if span <= 70:
        return {"interval": "week", "step": 1}
    if span <= 400:
        return {"interval": "month", "step": 1}
    if span <= 3 * 365:
        return {"interval": "month", "step": 3}
    return {"interval": "year", "step": 1}


def label_expression(lang: str = "en") -> str:
    """A Vega expression for the date axis: the year on 1 January, the month's name on
    the 1st, else day and month, in the language (the axis never falls back to English)."""
    names = json.dumps(month_names(lang), ensure_ascii=False)
    m, d = "month(datum.value)", "date(datum.value)"
    return (
        f"({m} == 0 && {d} == 1) ? '' + year(datum.value) : "
        f"({d} == 1 ? {names}[{m}] : {d} + ' ' + {names}[{m}])"
    )


def chart(data: pd.DataFrame, colours: dict[str, str], measure: str = "events", w=None):
    """A stacked bar chart (Altair, bundled with Streamlit) in the factions' colours, its
    titles, date axis and faction names in the language of ``w`` (an ``i18n.Wording``);
    whole numbers only on the count axis, the key one faction a line."""
    import altair as alt

    from conflictmap.i18n import ENGLISH

    w = w or ENGLISH
    data = data.assign(faction=data["faction"].map(w.name))
    colours = {w.name(f): c for f, c in colours.items()}
    domain = [f for f in colours if f in set(data["faction"])] or list(colours)
    every = ticks(data["period"].min(), data["period"].max()) if len(data) else None
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "period:T",
                title=None,
                axis=alt.Axis(labelExpr=label_expression(w.lang), tickCount=every, grid=False),
            ),
            y=alt.Y(
                f"{measure}:Q",
                title=w(measure.capitalize()),
                axis=alt.Axis(tickMinStep=1, format="d"),
            ),
            color=alt.Color(
                "faction:N",
                title=w("Faction"),
                scale=alt.Scale(domain=domain, range=[colours[f] for f in domain]),
                legend=alt.Legend(orient="right", direction="vertical", labelLimit=260),
            ),
            tooltip=[
                alt.Tooltip("period:T", title=w("period"), format="%Y-%m-%d"),
                alt.Tooltip("faction:N", title=w("Faction")),
                alt.Tooltip("events:Q", title=w("Events")),
                alt.Tooltip("fatalities:Q", title=w("Fatalities")),
            ],
        )
        .properties(height=220)
    )
