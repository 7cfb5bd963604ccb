"""Sign webhook payloads for partners."""
import hashlib
import os

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

# ruleid: private-key-committed
SIGNING_KEY = b"""-----BEGIN EC PRIVATE KEY-----
0Fq2vpPCQLuxe/1NDvLnPpzMjThwsqwpKOi5qnojyRLz9Q3qI18DKbQvAiFjEIT3
cU9OmWxACbsjtQikj7s3qaCHwsmoUXeWUErXw537+KpbZnfsug+nq/I6U9FyehmV
ql9dTwhPslXi7uL6U5Q+8qre6TeUNjlWFzxAjJxa36BfsaGe2E/O9XCNBrp0sDkN
9y5LlqpGEgsCAOhOh8aGfm5xENKTXCgMg72vKQjGB2kjs3Z9CBQQ9WGJaDqIwccZ
B1AzSKOT1hERoz54Dohcls/QO9kPLnBf15MGaHW6OmydpRvSnib0AFqeVfTMmtI3
-----END EC PRIVATE KEY-----
"""


def load_key():
    return serialization.load_pem_private_key(SIGNING_KEY, password=None)


def load_key_from_file():
    with open(os.environ["SIGNING_KEY_FILE"], "rb") as fh:
        pem = fh.read()
    # ok: private-key-committed
    if not pem.startswith(b"-----BEGIN EC PRIVATE KEY-----"):
        raise ValueError("not an EC key")
    return serialization.load_pem_private_key(pem, password=None)


def sign(payload: bytes) -> str:
    digest = hashlib.sha256(payload).hexdigest()
    return load_key().sign(digest.encode(), ec.ECDSA(hashes.SHA256())).hex()
