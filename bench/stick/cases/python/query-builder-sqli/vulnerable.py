# stick: cwe=89 construct=query-builder expect=vulnerable
from fastapi import FastAPI
from sqlalchemy import text, update
from sqlalchemy.orm import Session

from .db import Ticket, engine

app = FastAPI()


@app.post("/tickets/{ticket_id}/title")
def retitle(ticket_id: int, title: str):
    with Session(engine) as session:
        stmt = update(Ticket).where(text(f"id = {ticket_id} AND title != '{title}'")).values(title="renamed")  # stick: sink
        session.execute(stmt)
        session.commit()
    return {"id": ticket_id}
