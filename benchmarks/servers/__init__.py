"""The comparison servers this package starts itself: a bare Starlette app and Connexion's mock mode."""
