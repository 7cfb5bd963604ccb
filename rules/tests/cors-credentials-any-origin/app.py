from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(  # ruleid: cors-credentials-any-origin
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
    allow_methods=["*"],
)

partner = FastAPI()
partner.add_middleware(  # ok: cors-credentials-any-origin
    CORSMiddleware,
    allow_origins=["https://partner.example.com"],
    allow_credentials=True,
)
