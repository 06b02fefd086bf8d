from flows.core.findings import Finding, describe_rows, summarise


def test_rows_are_compressed_into_ranges():
    assert describe_rows([7]) == "row 7"
    assert describe_rows([12, 9, 10, 11, 7]) == "rows 7, 9-12 (5 rows)"


def test_long_row_lists_are_cut():
    text = describe_rows(range(2, 100, 2))
    assert text.endswith(", ... (49 rows)")


def test_finding_names_file_row_column_and_rule():
    finding = Finding(source="cases.csv", rows=(7,), column="case_type", rule="must be one of: a, b", rule_id="x")
    assert finding.describe() == "cases.csv, row 7, column case_type: must be one of: a, b"


def test_key_value_findings_name_the_key():
    finding = Finding(source="inspection.yaml", key="position_in_group", rule="must be 1-6", rule_id="x")
    assert finding.describe() == "inspection.yaml, key position_in_group: must be 1-6"


def test_summary_counts_problems():
    findings = [Finding(source="a.csv", rule="r", rule_id="x")] * 3
    assert summarise("ret", findings).splitlines()[0] == "ret: rejected, 3 problems:"


def test_a_column_is_named_by_its_position_and_letters():
    from flows.core.findings import column_position

    assert [column_position(n) for n in (1, 3, 26, 27, 52, 703, 16384)] == [
        "1 (A)", "3 (C)", "26 (Z)", "27 (AA)", "52 (AZ)", "703 (AAA)", "16384 (XFD)"]
    finding = Finding(source="cases.csv", rows=(1,), column=column_position(7), rule="not a column", rule_id="x")
    assert finding.describe() == "cases.csv, row 1, column 7 (G): not a column"
