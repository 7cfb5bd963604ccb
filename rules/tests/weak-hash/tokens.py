import hashlib
import hmac
import secrets


def make_reset_token(user_id):
    raw = f"{user_id}:{secrets.token_hex(8)}"
    reset_token = hashlib.md5(raw.encode()).hexdigest()  # ruleid: weak-hash
    return reset_token


def sign_payload(key, payload):
    signature = hashlib.sha1(key + payload).hexdigest()  # ruleid: weak-hash
    return signature


def sign_payload_safe(key, payload):
    signature = hmac.new(key, payload, hashlib.sha256).hexdigest()  # ok: weak-hash
    return signature


def cache_key(url):
    digest = hashlib.md5(url.encode()).hexdigest()  # ok: weak-hash
    return "page:" + digest
