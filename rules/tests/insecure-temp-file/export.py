import csv
import os
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


def write_report(body):
    with open(os.path.join(tempfile.gettempdir(), "report.html"), "w") as fh:  # ruleid: insecure-temp-file
        fh.write(body)


def read_report():
    with open("/tmp/report.html") as fh:  # ok: insecure-temp-file
        return fh.read()
