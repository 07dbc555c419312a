"""The HTTP pipeline of one request, in the order it runs.

routing (Connexion's, indexed) -> gates (content negotiation, authentication, permissions, body
size) -> body parsing and validation (DRF's way) -> the view; errors of every layer are rendered
in InvenTree's shapes by `api.ErrorRenderer`. `preparation` readies the contract for Connexion.
"""
