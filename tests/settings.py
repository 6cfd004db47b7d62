"""Test settings: the real settings with fast hashing, eager tasks and a temp media root."""

import os
import tempfile
from pathlib import Path

# Long and varied enough for the start-up check; used by the tests only.
os.environ.setdefault(
    "SECRET_KEY", "test-only-secret-key-8f3c1a97e2b64d0f9a7c5e31b2d48f6a0c9e7b15d3"
)

from server.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="chungtay-test-media-"))
CELERY_TASK_ALWAYS_EAGER = True
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
