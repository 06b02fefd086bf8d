"""The public statistical release: what it is made of (`model.py`) and the files it is written as
(`datapackage.py` for the Frictionless Data Package, `spreadsheet.py` for the accessible XLSX)."""
