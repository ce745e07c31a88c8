"""Import = read → detect the format → map the columns → validate → geocode → store.

``formats`` reads bytes into a table of strings (``workbook`` for .xlsx, ``cutoff`` for a
file cut short) and recognises ACLED, UCDP, sheets and our exports; ``columns`` maps each
format onto the incident model; ``validate`` types and checks; ``issues`` is the report
every step writes into (issues as data: template and values); ``geocode`` places names;
``pipeline`` strings them together and hands the good rows to the store.
"""
