import csv
import tempfile


def export_rows(rows):
    path = tempfile.mktemp(suffix=".csv")  # ruleid: insecure-temp-file
    with open(path, "w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def export_rows_safe(rows):
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, newline="") as fh:  # ok: insecure-temp-file
        csv.writer(fh).writerows(rows)
        return fh.name
