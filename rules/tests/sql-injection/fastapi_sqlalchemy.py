from fastapi import Depends, FastAPI
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

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
