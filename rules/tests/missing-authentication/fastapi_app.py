from fastapi import Depends, FastAPI

from .security import get_current_user

app = FastAPI()


@app.get("/projects")  # ok: missing-authentication
def projects(user=Depends(get_current_user)):
    return {"owner": user.id, "projects": []}


@app.post("/projects")  # ok: missing-authentication
def create_project(name: str, user=Depends(get_current_user)):
    return {"owner": user.id, "name": name}


@app.delete("/projects/{project_id}")  # ruleid: missing-authentication
def delete_project(project_id: int):
    return {"deleted": project_id}
