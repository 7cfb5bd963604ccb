import subprocess


def archive_directory(path):
    cmd = "tar czf /backups/out.tgz " + path
    subprocess.run(cmd, shell=True, check=True)  # ruleid: command-injection


def list_files(directory):
    # Never called from an entry point: not reported.
    return subprocess.run(["ls", "-la", directory], capture_output=True)  # ok: command-injection


def disk_usage(volume):
    # Called from a route with a volume name from the inventory service:
    # its origin cannot be traced, so this is "likely".
    return subprocess.run("du -sh " + volume, shell=True, capture_output=True)  # ruleid: command-injection
