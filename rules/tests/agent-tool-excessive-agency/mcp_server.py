import os
import subprocess

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("devbox")


@mcp.tool()  # ruleid: agent-tool-excessive-agency
def run_shell(command: str) -> str:
    """Run a shell command on the developer box."""
    return subprocess.run(command, shell=True, capture_output=True, text=True).stdout


@mcp.tool()  # ok: agent-tool-excessive-agency
def delete_file(path: str) -> str:
    """Delete a file after the user confirms."""
    if not confirm_action(f"Delete {path}?"):
        return "cancelled"
    os.remove(path)
    return "deleted"


@mcp.tool()  # ok: agent-tool-excessive-agency
def word_count(text: str) -> int:
    """Count words."""
    return len(text.split())


def confirm_action(question: str) -> bool:
    return input(question + " [y/N] ").strip().lower() == "y"
