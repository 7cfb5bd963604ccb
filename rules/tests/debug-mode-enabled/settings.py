import os

DEBUG = True  # ruleid: debug-mode-enabled
TEMPLATE_DEBUG = os.environ.get("TEMPLATE_DEBUG") == "1"  # ok: debug-mode-enabled
ALLOWED_HOSTS = ["*"]
