from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data command (`xindai demo`): at the top of the layers, it builds every app's data."""

    name = "xindai.demo"
    label = "demo"
