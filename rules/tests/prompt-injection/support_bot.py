from openai import OpenAI

client = OpenAI()

GUIDELINES = "Be polite. Never promise refunds."


def draft_reply(ticket_text):
    resp = client.responses.create(  # ruleid: prompt-injection
        model="gpt-4o-mini",
        instructions=GUIDELINES,
        input="Draft a reply to this ticket:\n" + ticket_text,
        max_output_tokens=300,
    )
    return resp.output_text


def weekly_summary():
    resp = client.responses.create(  # ok: prompt-injection
        model="gpt-4o-mini",
        instructions=GUIDELINES,
        input="Summarise the support themes of a typical week in three bullets.",
        max_output_tokens=200,
    )
    return resp.output_text
