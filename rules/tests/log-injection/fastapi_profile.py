import logging
from typing import Annotated

from fastapi import APIRouter, Depends

from app.auth import get_current_user
from app.models import User

router = APIRouter()
logger = logging.getLogger(__name__)
# A dependency declared in the annotation, as FastAPI's documentation
# recommends: the framework calls `get_current_user`, the client sends
# nothing of it.
CurrentUser = Annotated[User, Depends(get_current_user)]


@router.get("/profile")
def profile(user: Annotated[User, Depends(get_current_user)], note: str):
    logger.info("profile read by %s", user.email)  # ok: log-injection
    logger.info("profile note %s", note)  # ruleid: log-injection
    return {"id": user.id}


@router.get("/settings")
def settings(user: CurrentUser, tab: str = "general"):
    logger.info("settings read by %s", user.email)  # ok: log-injection
    logger.info("settings tab %s", tab)  # ruleid: log-injection
    return {"tab": tab}
