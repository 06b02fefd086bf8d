"""What readers see, rendered from the published file only: the group report (`group_report.py`),
score sheets (`score_sheets.py`), rejection reports (`rejection.py`), the tables behind the
charts (`tables.py`), static SVG charts (`charts.py`), the sentences written from data
(`text.py`), the HTML pages share (`html.py`) and PDF printing (`pdf.py`).

Every query of the published file is a `.sql` file under `sql/`, read as named records through
`flows.storage.published`; every figure is written by `flows.core.figures`."""
