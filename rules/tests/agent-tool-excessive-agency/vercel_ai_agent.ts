import { generateText, tool } from 'ai';
import { openai } from '@ai-sdk/openai';
import { z } from 'zod';
import { exec } from 'node:child_process';
import { writeFile } from 'node:fs/promises';

export async function runAgent(task: string) {
  return generateText({
    model: openai('gpt-4o'),
    maxTokens: 1000,
    prompt: task,
    tools: {
      // ruleid: agent-tool-excessive-agency
      runShell: tool({
        description: 'Run a shell command on the build host',
        parameters: z.object({ command: z.string() }),
        execute: async ({ command }) => exec(command),
      }),
      // ruleid: agent-tool-excessive-agency
      saveReport: tool({
        description: 'Save a report to disk',
        parameters: z.object({ name: z.string(), body: z.string() }),
        execute: async ({ name, body }) => writeFile(`/srv/reports/${name}.md`, body),
      }),
      // ok: agent-tool-excessive-agency
      getTime: tool({
        description: 'Current server time',
        parameters: z.object({}),
        execute: async () => new Date().toISOString(),
      }),
    },
  });
}
