import Anthropic from '@anthropic-ai/sdk';

const anthropic = new Anthropic();

export async function summarize(ticket: string) {
  const msg = await anthropic.messages.create({
    model: 'claude-3-5-haiku-latest',
    max_tokens: 300,
    system: 'Summarize the support ticket in two sentences.', // ok: prompt-injection
    messages: [{ role: 'user', content: `Ticket:\n${ticket}` }], // ruleid: prompt-injection
  });
  return msg.content;
}
