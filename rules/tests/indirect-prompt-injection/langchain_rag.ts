import { ChatOpenAI } from '@langchain/openai';
import { MemoryVectorStore } from 'langchain/vectorstores/memory';
import { OpenAIEmbeddings } from '@langchain/openai';

const llm = new ChatOpenAI({ model: 'gpt-4o-mini', maxTokens: 500 });
const store = new MemoryVectorStore(new OpenAIEmbeddings());

export async function answerFromDocs() {
  const question = 'What is our refund policy?';
  const docs = await store.similaritySearch(question, 4);
  const context = docs.map((d) => d.pageContent).join('\n---\n');
  const answer = await llm.invoke(`Answer using only this context:\n${context}\n\nQuestion: ${question}`); // ruleid: indirect-prompt-injection
  const title = await llm.invoke('Write a short title for a refund policy FAQ.'); // ok: indirect-prompt-injection
  return { answer, title };
}
