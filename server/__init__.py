"""The ChungTay Django project: settings, URLs and the domain apps."""

from server.celery import app as celery_app

__all__ = ["celery_app"]
