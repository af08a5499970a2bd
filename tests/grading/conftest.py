"""The grader's own tests: one marker for the few slow ones."""


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a test that takes seconds, not ms")
