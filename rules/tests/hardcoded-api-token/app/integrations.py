import os

import requests
import stripe
from slack_sdk import WebClient

GITHUB_TOKEN = "ghp_eI7tDKPcAgkuk85UKYRxjWDCECJWIXRCtTyi"  # ruleid: hardcoded-api-token

# ruleid: hardcoded-api-token
slack = WebClient(token="xoxb-072843387112-8172944139957-IJtOuJHWBbl0WGHgnOKMoicj")

stripe.api_key = "sk_live_ijfJYeD9D0VVk6vQ7sTwSkZ5"  # ruleid: hardcoded-api-token

# Stripe test-mode keys cannot move money.
STRIPE_TEST_KEY = "sk_test_7aT9jdcCbBrBBEYoIW2reXOz"  # ok: hardcoded-api-token

OPENAI_API_KEY = os.environ.get("OPENAI_API_KEY", "")  # ok: hardcoded-api-token


def open_issue(repo: str, title: str) -> int:
    resp = requests.post(
        f"https://api.github.com/repos/{repo}/issues",
        headers={"Authorization": f"Bearer {GITHUB_TOKEN}"},
        json={"title": title},
        timeout=10,
    )
    resp.raise_for_status()
    return resp.json()["number"]


def notify(channel: str, text: str) -> None:
    slack.chat_postMessage(channel=channel, text=text)
