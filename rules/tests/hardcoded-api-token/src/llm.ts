import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";

// ruleid: hardcoded-api-token
const anthropic = new Anthropic({ apiKey: "sk-ant-api03-9f7aAEZVNcphl95WzskoobnuXh-28qCZG-blzEHj" });

const openai = new OpenAI({
  apiKey: "sk-proj-xzfxIEWy8nEZzZYsSJoj8E27-8wdGmYdiEXlk4e2gLyRenI5", // ruleid: hardcoded-api-token
});

const fromEnv = new OpenAI({ apiKey: process.env.OPENAI_API_KEY }); // ok: hardcoded-api-token

// Placeholder shown in the README.
const docsKey = "sk-your-openai-key-here"; // ok: hardcoded-api-token

export async function summarise(text: string): Promise<string> {
  const msg = await anthropic.messages.create({
    model: "claude-sonnet-4-5",
    max_tokens: 512,
    messages: [{ role: "user", content: text }],
  });
  return msg.content.map((b) => ("text" in b ? b.text : "")).join("");
}

export { openai, fromEnv, docsKey };
