# stick: cwe=22 construct=handler-param expect=safe
import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse

app = FastAPI()
EXPORTS = Path("/srv/exports")


@app.get("/exports/{name:path}")
def download_export(name: str):
    return FileResponse(EXPORTS / os.path.basename(name), filename=name)
