# stick: cwe=89 construct=query-builder expect=safe
from fastapi import FastAPI
from sqlalchemy import update
from sqlalchemy.orm import Session

from .db import Ticket, engine

app = FastAPI()


@app.post("/tickets/{ticket_id}/title")
def retitle(ticket_id: int, title: str):
    with Session(engine) as session:
        stmt = update(Ticket).where(Ticket.id == ticket_id).values(title=title)
        session.execute(stmt)
        session.commit()
    return {"id": ticket_id}
