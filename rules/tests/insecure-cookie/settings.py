SESSION_COOKIE_SECURE = False  # ruleid: insecure-cookie
CSRF_COOKIE_SECURE = True  # ok: insecure-cookie
