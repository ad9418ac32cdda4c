"""Checks that a Parquet table of detente holds what the CSV of the same run holds, read
the way users read them: with pandas and with polars.

    "$(scripts/notebook/env)/bin/python" scripts/notebook/check_tables.py README.md \
        A.csv A.parquet [B.csv B.parquet ...]

For each pair: the same columns in the same order, the same rows and values (a CSV's
empty cell is a Parquet null; strings read as strings from the CSV), and each column of
the type that the README's "Parquet" table documents for it, as pandas and polars read
it. Prints one line per pair; exits 1 on the first difference.
"""
import csv
import math
import re
import sys

import pandas as pd
import polars as pl

# What each documented Parquet type reads as: pandas' default `read_parquet` (a column
# with nulls widens: integers to float64, booleans to object) and polars.
PANDAS = {
    "INT64": lambda s: pd.api.types.is_integer_dtype(s) or (s.isna().any() and s.dtype == "float64"),
    "DOUBLE": lambda s: s.dtype == "float64",
    "BOOLEAN": lambda s: s.dtype == bool or (s.isna().any() and s.dtype == object),
    "string": lambda s: pd.api.types.is_string_dtype(s) and not isinstance(s.dtype, pd.CategoricalDtype),
    "dictionary": lambda s: isinstance(s.dtype, pd.CategoricalDtype),
}
POLARS = {
    "INT64": pl.Int64,
    "DOUBLE": pl.Float64,
    "BOOLEAN": pl.Boolean,
    "string": pl.String,
    "dictionary": pl.Categorical,
}


def documented_types(readme):
    """column -> type name, from the table under the README's `### Parquet` heading; the
    type of a row that says "every other column" is returned as the default."""
    text = open(readme, encoding="utf-8").read()
    section = text.split("\n### Parquet\n", 1)[1].split("\n#", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("|")][2:]
    types, default = {}, None
    for row in table:
        cells = [c.strip() for c in row.strip("|").split("|")]
        kind = next(k for k in ("dictionary", "INT64", "DOUBLE", "BOOLEAN", "string") if k in cells[0])
        for col in re.findall(r"`([^`]+)`", cells[-1]):
            types[col] = kind
        if "every other column" in cells[-1]:
            default = kind
    assert types and default, f"{readme}: no Parquet type table found"
    return types, default


def fail(msg):
    print("check_tables: FAIL:", msg)
    sys.exit(1)


def norm(v):
    """A cell as a comparable Python value: None for null/NaN/empty."""
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) or v == "":
        return None
    if isinstance(v, (bool,)) or type(v).__name__ == "bool_":
        return bool(v)
    return v


def check_pair(types, default, csv_path, pq_path):
    with open(csv_path, newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    kind = {c: types.get(c, default) for c in header}
    strings = [c for c in header if kind[c] in ("string", "dictionary")]

    # pandas
    pq = pd.read_parquet(pq_path)
    if list(pq.columns) != header:
        fail(f"{pq_path}: pandas columns {list(pq.columns)} != CSV header {header}")
    for c in header:
        if not PANDAS[kind[c]](pq[c]):
            fail(f"{pq_path}: column {c!r} reads in pandas as {pq[c].dtype}, README says {kind[c]}")
    cs = pd.read_csv(csv_path, dtype={c: str for c in strings}, keep_default_na=False,
                     na_values={c: [""] for c in header if c not in strings})
    if len(cs) != len(pq):
        fail(f"{pq_path}: {len(pq)} rows, {csv_path}: {len(cs)}")
    for c in header:
        a = [norm(v) for v in cs[c].tolist()]
        b = [norm(v) for v in pq[c].astype(object).tolist()]
        if a != b:
            i = next(i for i, (x, y) in enumerate(zip(a, b)) if x != y)
            fail(f"{pq_path}: pandas: column {c!r} row {i}: CSV {a[i]!r} vs Parquet {b[i]!r}")

    # polars
    pq = pl.read_parquet(pq_path)
    if pq.columns != header:
        fail(f"{pq_path}: polars columns {pq.columns} != CSV header {header}")
    for c in header:
        if pq.schema[c] != POLARS[kind[c]]:
            fail(f"{pq_path}: column {c!r} reads in polars as {pq.schema[c]}, README says {kind[c]}")
    pq = pq.with_columns(pl.col(pl.Categorical).cast(pl.String))
    cs = pl.read_csv(csv_path, schema_overrides={c: pl.String for c in strings},
                     infer_schema_length=None)
    cs = cs.cast(dict(pq.schema))
    if not pq.equals(cs):
        for c in header:
            if not pq[c].equals(cs[c]):
                fail(f"{pq_path}: polars: column {c!r} differs from the CSV")
        fail(f"{pq_path}: polars: the tables differ")
    print(f"check_tables: {pq_path}: {len(pq)} rows, {len(header)} columns: "
          f"the same as {csv_path} in pandas and polars, types as documented")


def main():
    if len(sys.argv) < 4 or len(sys.argv) % 2:
        sys.exit(__doc__)
    types, default = documented_types(sys.argv[1])
    for i in range(2, len(sys.argv), 2):
        check_pair(types, default, sys.argv[i], sys.argv[i + 1])


if __name__ == "__main__":
    main()
