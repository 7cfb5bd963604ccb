import ssl

import httpx
import requests


def fetch_inventory():
    return requests.get("https://inventory.internal.example.com/items", verify=False, timeout=5)  # ruleid: tls-verification-disabled


def fetch_prices():
    with httpx.Client(verify=False, timeout=5) as client:  # ruleid: tls-verification-disabled
        return client.get("https://prices.example.com/v1").json()


def legacy_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False  # ruleid: tls-verification-disabled
    ctx.verify_mode = ssl.CERT_NONE  # ruleid: tls-verification-disabled
    return ctx


def fetch_inventory_safe():
    return requests.get("https://inventory.internal.example.com/items", verify="/etc/ssl/corp-ca.pem", timeout=5)  # ok: tls-verification-disabled
