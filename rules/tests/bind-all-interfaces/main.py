import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
def health():
    return {"ok": True}


if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=8000)  # ruleid: bind-all-interfaces
    uvicorn.run(app, host="127.0.0.1", port=8001)  # ok: bind-all-interfaces
