from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The top floor: what shows Casework and measures it, never part of a production set-up
    (the production profile does not install it). ``demo_data`` and ``demo_outcomes`` fill an
    installation with fictional people; ``generate_load`` and ``benchmark`` make a network at
    scale and time the hot paths against their SQL floors (docs/performance.md). No models, no
    URLs; nothing below imports it."""

    name = "demo"
    verbose_name = "Demo and load test"
