import subprocess

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("ops")


@mcp.tool()
def tail_log(lines: int) -> str:
    """The last lines of the service log. The server validates `lines` as an
    integer against the tool's schema before the tool runs."""
    return subprocess.run(f"tail -n {lines} /var/log/app.log", shell=True, capture_output=True, text=True).stdout  # ok: command-injection


@mcp.tool()
def grep_log(pattern: str) -> str:
    """Lines of the service log matching a pattern."""
    return subprocess.run(f"grep {pattern} /var/log/app.log", shell=True, capture_output=True, text=True).stdout  # ruleid: command-injection
