from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo seed: above every domain app, so no domain app depends on demo data.

    It has no models, so the admin never lists it and it needs no translated name.
    """

    name = "server.demo"
    label = "demo"
