import requests


def push_metrics(payload):
    return requests.post("http://metrics.example.com/ingest", json=payload, timeout=5)  # ruleid: cleartext-transmission


def push_metrics_local(payload):
    return requests.post("http://localhost:9091/ingest", json=payload, timeout=5)  # ok: cleartext-transmission


def push_metrics_tls(payload):
    return requests.post("https://metrics.example.com/ingest", json=payload, timeout=5)  # ok: cleartext-transmission
