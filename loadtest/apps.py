from django.apps import AppConfig


class LoadtestConfig(AppConfig):
    """Engineering tools: a generator of fictional data at scale and a benchmark of the hot
    paths against their SQL floors (docs/performance.md). No models, no URLs."""

    name = "loadtest"
    verbose_name = "Load test"
