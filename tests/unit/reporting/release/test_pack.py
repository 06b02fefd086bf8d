"""The pack's table files: CSV as RFC 4180 says (CRLF, a header row, an empty cell where a number
is withheld, text no spreadsheet runs) and Parquet with each column's declared type."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from flows.reporting.release.pack import csv_bytes, parquet_table


def test_csv_is_rfc_4180_with_empty_withheld_cells_and_inert_text(scores):
    lines = csv_bytes(scores).decode("utf-8").split("\r\n")
    assert lines[0] == "inspection_id,outcome_code,n_cases,score,published_on,comment,status"
    assert lines[1] == "hampshire-2013,1,12,0.75,2013-05-01,'=1+2,"
    assert lines[2] == 'hampshire-2013,2,2,,2013-05-01,"\'=HYPERLINK(""http://x"")",[c]'
    assert lines[-1] == ""  # every record ends with CRLF, the last one too
    assert "\n" not in "".join(line for line in lines)  # no bare line feed


def test_parquet_keeps_each_declared_type_and_nulls_where_withheld(scores):
    table = parquet_table(scores)
    assert table.schema.field("outcome_code").type == pa.int64()
    assert table.schema.field("score").type == pa.float64()
    assert table.schema.field("published_on").type == pa.date32()
    assert table.column("score").to_pylist() == [0.75, None, 0.5]
    assert table.column("published_on").to_pylist()[2] == dt.date(2014, 7, 9)
    assert table.column("comment").to_pylist()[0] == "=1+2"  # data as it is: Parquet is not a spreadsheet
