"""Great Expectations suites for the landing contract, one module per input table."""
