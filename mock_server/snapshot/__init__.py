"""`python -m mock_server snapshot`: a fixtures folder read from a live InvenTree (or a mock) through its API."""
