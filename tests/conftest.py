"""Root conftest: only wires in the fixture modules (see tests/plugins/)."""

pytest_plugins = [
    "tests.plugins.hypothesis_profiles",
    "tests.plugins.live_server",
    "tests.plugins.machine_clients",
]
