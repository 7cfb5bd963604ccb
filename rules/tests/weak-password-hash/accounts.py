import hashlib
import os

from argon2 import PasswordHasher

ph = PasswordHasher()


def store_password(user, password):
    user.password_hash = hashlib.md5(password.encode()).hexdigest()  # ruleid: weak-password-hash
    user.save()


def hash_password_legacy(raw):
    salt = os.urandom(8).hex()
    return salt + hashlib.sha1((salt + raw).encode()).hexdigest()  # ruleid: weak-password-hash


def store_password_safe(user, password):
    user.password_hash = ph.hash(password)  # ok: weak-password-hash
    user.save()


def file_checksum(data):
    return hashlib.md5(data, usedforsecurity=False).hexdigest()  # ok: weak-password-hash
