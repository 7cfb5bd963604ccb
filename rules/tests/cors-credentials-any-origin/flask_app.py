from flask import Flask
from flask_cors import CORS

app = Flask(__name__)
CORS(app, resources={r"/api/*": {"origins": "*"}}, supports_credentials=True)  # ruleid: cors-credentials-any-origin

admin = Flask("admin")
CORS(admin, origins=["https://admin.example.com"], supports_credentials=True)  # ok: cors-credentials-any-origin
