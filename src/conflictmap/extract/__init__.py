"""A first draft of incidents from a news report (Arabic or English).

The analyst pastes a report with its publication date; ``draft`` returns candidate
incidents for them to correct: when (relative expressions resolved against the
publication date, with the precision they imply), where (gazetteer places found in the
text, "east of X" as a region), who (actor names from the faction table), what (ACLED
event type from cue words), how many killed, and the sentences each came from.

The words it knows are data: ``data/extract.toml`` (``lexicon``), ``data/factions.csv``
(actors), ``geo/`` (places). The method is deliberately plain and explainable: every
value carries the text it was read from. ``reading`` reads one sentence, ``candidates``
turns sentences into incidents, ``draft`` makes rows and the CSV to import,
``highlight`` marks the report, ``evaluate`` scores drafts against coded reports.
"""

from conflictmap.extract.candidates import Candidate, extract
from conflictmap.extract.draft import accepted_csv, candidate_rows, draft, report_id
from conflictmap.extract.highlight import legend_html, marked_html
from conflictmap.extract.lexicon import Lexicon, load_lexicon

__all__ = [
    "Candidate",
    "Lexicon",
    "accepted_csv",
    "candidate_rows",
    "draft",
    "extract",
    "legend_html",
    "load_lexicon",
    "marked_html",
    "report_id",
]
