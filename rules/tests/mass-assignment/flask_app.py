from flask import Flask, jsonify, request
from flask_login import current_user, login_required
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
db = SQLAlchemy(app)


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String)
    is_admin = db.Column(db.Boolean, default=False)


@app.post("/users")
@login_required
def create_user():
    user = User(**request.get_json())  # ruleid: mass-assignment
    db.session.add(user)
    db.session.commit()
    return jsonify({"id": user.id}), 201


@app.patch("/users/me")
@login_required
def update_me():
    for key, value in request.json.items():
        setattr(current_user, key, value)  # ruleid: mass-assignment
    db.session.commit()
    return jsonify({"ok": True})


@app.post("/v2/users")
@login_required
def create_user_v2():
    data = request.get_json()
    user = User(email=data["email"])  # ok: mass-assignment
    db.session.add(user)
    db.session.commit()
    return jsonify({"id": user.id}), 201
