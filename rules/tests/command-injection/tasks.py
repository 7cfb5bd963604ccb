import subprocess


def archive_directory(path):
    cmd = "tar czf /backups/out.tgz " + path
    subprocess.run(cmd, shell=True, check=True)  # ruleid: command-injection


def list_files(directory):
    # Never called here: the parameter reaches the argument list.
    return subprocess.run(["ls", "-la", directory], capture_output=True)  # ruleid: command-injection
