import anthropic
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("summariser")
claude = anthropic.Anthropic()


@mcp.tool()
def summarise(text: str) -> str:
    """Summarise a document for the user."""
    msg = claude.messages.create(  # ruleid: prompt-injection
        model="claude-sonnet-4-5",
        max_tokens=500,
        messages=[{"role": "user", "content": "Summarise:\n" + text}],
    )
    return msg.content[0].text
