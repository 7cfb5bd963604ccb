"""Upload invoices to S3."""
import os

import boto3

# ruleid: hardcoded-cloud-credentials
AWS_ACCESS_KEY_ID = "AKIACQT8JKSZPRFK3CKN"
aws_secret_access_key = "f/tdg5J8ee8EvXGtJ0r6EKnImrOk/vkjdfLCJQ4G"  # ruleid: hardcoded-cloud-credentials

# The documented AWS example key is not a credential.
DOCS_KEY = "AKIAIOSFODNN7EXAMPLE"  # ok: hardcoded-cloud-credentials


def client():
    return boto3.client(
        "s3",
        aws_access_key_id=AWS_ACCESS_KEY_ID,
        aws_secret_access_key=aws_secret_access_key,
    )


def client_from_environment():
    # ok: hardcoded-cloud-credentials
    key_id = os.environ["AWS_ACCESS_KEY_ID"]
    secret = os.environ["AWS_SECRET_ACCESS_KEY"]  # ok: hardcoded-cloud-credentials
    return boto3.client("s3", aws_access_key_id=key_id, aws_secret_access_key=secret)


def upload(invoice_id: str, body: bytes) -> None:
    client().put_object(Bucket="invoices", Key=f"{invoice_id}.pdf", Body=body)
