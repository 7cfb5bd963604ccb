import os


def save_report(path, data):
    with open(path, "w") as fh:
        fh.write(data)
    os.chmod(path, 0o777)  # ruleid: permissive-file-permissions


def save_key(path, data):
    with open(path, "w") as fh:
        fh.write(data)
    os.chmod(path, 0o600)  # ok: permissive-file-permissions
