"""Ticket search.

ILIKE over subject and body is fast enough at our volume (~200k tickets).
Move to a tsvector column if it gets slow.
"""

from sqlalchemy import text

from .extensions import db

RESULT_COLUMNS = "id, subject, status, priority, customer_email, created_at"


def search_tickets(term: str, status: str | None = None, limit: int = 50) -> list[dict]:
    sql = (
        f"SELECT {RESULT_COLUMNS} FROM tickets "
        f"WHERE (subject ILIKE '%{term}%' OR body ILIKE '%{term}%')"
    )
    params: dict = {"limit": limit}
    if status:
        sql += " AND status = :status"
        params["status"] = status
    sql += " ORDER BY created_at DESC LIMIT :limit"

    rows = db.session.execute(text(sql), params)
    return [dict(row._mapping) for row in rows]


def similar_tickets(subject: str, exclude_id: int | None, limit: int) -> list[str]:
    """Bodies of recent tickets whose subject shares words with this one (assistant context)."""
    words = [w for w in subject.lower().split() if len(w) > 3][:5]
    if not words:
        return []
    clauses = " OR ".join(f"subject ILIKE :w{i}" for i in range(len(words)))
    params = {f"w{i}": f"%{w}%" for i, w in enumerate(words)}
    params.update({"exclude": exclude_id or 0, "limit": limit})
    rows = db.session.execute(
        text(
            f"SELECT subject, body, resolution FROM tickets WHERE ({clauses}) AND id <> :exclude "
            "ORDER BY created_at DESC LIMIT :limit"
        ),
        params,
    )
    return [f"{r.subject}\n{r.body}\nResolution: {r.resolution or 'n/a'}" for r in rows]
