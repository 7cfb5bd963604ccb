from fastapi import FastAPI
from langchain_chroma import Chroma
from langchain_openai import ChatOpenAI, OpenAIEmbeddings

app = FastAPI()
store = Chroma(collection_name="kb", embedding_function=OpenAIEmbeddings())
llm = ChatOpenAI(model="gpt-4o-mini", max_tokens=512)


@app.get("/answer")
def answer(topic: str):
    docs = store.similarity_search("internal policy", k=4)
    context = "\n\n".join(d.page_content for d in docs)
    prompt = f"Answer using only this context:\n{context}\n\nTopic: billing"
    return {"answer": llm.invoke(prompt).content}  # ruleid: indirect-prompt-injection


@app.get("/glossary")
def glossary():
    return {"answer": llm.invoke("Define the word 'invoice' in one sentence.").content}  # ok: indirect-prompt-injection
