import random
import secrets
import string

ALPHABET = string.ascii_letters + string.digits


def new_session_token():
    session_token = "".join(random.choice(ALPHABET) for _ in range(32))  # ruleid: insecure-randomness
    return session_token


def make_otp():
    otp = random.randint(100000, 999999)  # ruleid: insecure-randomness
    return str(otp)


def new_api_key():
    api_key = secrets.token_urlsafe(32)  # ok: insecure-randomness
    return api_key


def pick_banner(banners):
    banner = random.choice(banners)  # ok: insecure-randomness
    return banner
