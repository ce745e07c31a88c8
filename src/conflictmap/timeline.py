"""Events and fatalities over time, by faction (the dashboard's timeline chart)."""

from __future__ import annotations

import pandas as pd


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
    counted = pd.DataFrame(
        {
            "period": period_start(frame["event_date"], period),
            "faction": frame["faction"].astype("category"),
            "killed": frame["fatalities"].fillna(0).astype("int64"),
        }
    )
    grouped = counted.groupby(["period", "faction"], observed=True, sort=True)
    out = grouped.agg(events=("killed", "size"), fatalities=("killed", "sum")).reset_index()
    out["faction"] = out["faction"].astype(str)
    return out[out["events"] > 0][columns].reset_index(drop=True)


def period_start(dates: pd.Series, period: str) -> pd.Series:
    """The first day of each date's day, week (Monday) or month, by integer arithmetic
    on the dates (a million rows in milliseconds)."""
    days = dates.to_numpy().astype("datetime64[D]")
    if period == "week":  # 1970-01-01 was a Thursday: 3 days after a Monday
        days = days - ((days.astype("int64") + 3) % 7).astype("timedelta64[D]")
    elif period == "month":
        days = days.astype("datetime64[M]").astype("datetime64[D]")
    return pd.Series(days.astype("datetime64[ns]"), index=dates.index)


def chart(data: pd.DataFrame, colours: dict[str, str], measure: str = "events", w=None):
    """A stacked bar chart (Altair, bundled with Streamlit) in the factions' colours, its
    titles and faction names in the language of ``w`` (an ``i18n.Wording``)."""
    import altair as alt

    from conflictmap.i18n import ENGLISH

    w = w or ENGLISH
    data = data.assign(faction=data["faction"].map(w.name))
    colours = {w.name(f): c for f, c in colours.items()}
    domain = [f for f in colours if f in set(data["faction"])] or list(colours)
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("period:T", title=None),
            y=alt.Y(f"{measure}:Q", title=w(measure.capitalize())),
            color=alt.Color(
                "faction:N",
                title=w("Faction"),
                scale=alt.Scale(domain=domain, range=[colours[f] for f in domain]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=["period:T", "faction:N", "events:Q", "fatalities:Q"],
        )
        .properties(height=220)
    )
