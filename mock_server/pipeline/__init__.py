"""The HTTP pipeline of one request, in the order it runs (see pipeline/api.py and ARCHITECTURE.md).

routing (one table, built from the contract Connexion loaded) -> gates (content negotiation,
authentication, permissions) -> the body read, parsed and cleaned once (DRF's way) -> the view;
errors of every step are rendered in InvenTree's shapes by the handlers in `api`. `context` holds
the request state every step fills in; `preparation` readies the contract for serving.
"""
