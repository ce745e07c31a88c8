"""Events and fatalities over time, by faction (the dashboard's timeline chart)."""

from __future__ import annotations

import pandas as pd

PERIODS = {"day": "D", "week": "W-MON", "month": "MS"}


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
    grouped = frame.groupby(
        [pd.Grouper(key="event_date", freq=PERIODS[period], label="left", closed="left"), "faction"]
    )
    out = grouped.agg(
        events=("incident_id", "size"), fatalities=("fatalities", lambda s: int(s.fillna(0).sum()))
    )
    out = out.reset_index().rename(columns={"event_date": "period"})
    return out[out["events"] > 0][columns].reset_index(drop=True)


def chart(data: pd.DataFrame, colours: dict[str, str], measure: str = "events"):
    """A stacked bar chart (Altair, bundled with Streamlit) in the factions' colours."""
    import altair as alt

    domain = [f for f in colours if f in set(data["faction"])] or list(colours)
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("period:T", title=None),
            y=alt.Y(f"{measure}:Q", title=measure.capitalize()),
            color=alt.Color(
                "faction:N",
                title="Faction",
                scale=alt.Scale(domain=domain, range=[colours[f] for f in domain]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=["period:T", "faction:N", "events:Q", "fatalities:Q"],
        )
        .properties(height=220)
    )
