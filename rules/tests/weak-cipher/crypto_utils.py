from Crypto.Cipher import AES, DES
from Crypto.Random import get_random_bytes


def encrypt_legacy(key, data):
    cipher = DES.new(key, DES.MODE_CBC)  # ruleid: weak-cipher
    return cipher.encrypt(data)


def encrypt_ecb(key, data):
    cipher = AES.new(key, AES.MODE_ECB)  # ruleid: weak-cipher
    return cipher.encrypt(data)


def encrypt_gcm(key, data):
    cipher = AES.new(key, AES.MODE_GCM, nonce=get_random_bytes(12))  # ok: weak-cipher
    ciphertext, tag = cipher.encrypt_and_digest(data)
    return cipher.nonce + tag + ciphertext
