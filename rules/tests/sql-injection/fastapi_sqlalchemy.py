from fastapi import Depends, FastAPI
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from .models import Customer

engine = create_engine("postgresql://shop@db.internal/shop")
app = FastAPI()


def get_db():
    with Session(engine) as session:
        yield session


@app.get("/customers")
def customers(country: str, db: Session = Depends(get_db)):
    rows = db.execute(text(f"SELECT id, name FROM customers WHERE country = '{country}'"))  # ruleid: sql-injection
    return [dict(r._mapping) for r in rows]


@app.get("/customers/safe")
def customers_safe(country: str, db: Session = Depends(get_db)):
    stmt = text("SELECT id, name FROM customers WHERE country = :country")  # ok: sql-injection
    rows = db.execute(stmt, {"country": country})
    return [dict(r._mapping) for r in rows]


@app.post("/customers/{customer_id}/rename")
def rename(customer_id: int, name: str, db: Session = Depends(get_db)):
    # Statements SQLAlchemy builds bind every value: no SQL text from input.
    stmt = update(Customer).where(Customer.id == customer_id).values(name=name)
    db.execute(stmt)  # ok: sql-injection
    upsert = sqlite_insert(Customer).values(name=name).on_conflict_do_nothing()
    db.execute(upsert)  # ok: sql-injection
    # Raw text inside a built statement is still raw text.
    loose = select(Customer).where(text("name = '" + name + "'"))  # ruleid: sql-injection
    db.execute(loose)
    return {"renamed": customer_id}
