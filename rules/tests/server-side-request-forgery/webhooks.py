import requests


def deliver(callback_url, payload):
    return requests.post(callback_url, json=payload, timeout=10)  # ruleid: server-side-request-forgery


def notify_ops(message):
    return requests.post("https://hooks.ops.example.com/notify", json={"text": message}, timeout=10)  # ok: server-side-request-forgery
