# stick: cwe=89 construct=await-promise expect=vulnerable
import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

DSN = "postgresql://localhost/inventory"


async def find_items(term):
    conn = await asyncpg.connect(DSN)
    try:
        return await conn.fetch(f"SELECT sku, name FROM items WHERE name ILIKE '%{term}%'")  # stick: sink
    finally:
        await conn.close()


async def search(request: Request):
    body = await request.json()
    rows = await find_items(body.get("term", ""))
    return JSONResponse([dict(r) for r in rows])


app = Starlette(routes=[Route("/items/search", search, methods=["POST"])])
