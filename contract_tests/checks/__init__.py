"""How the suite judges answers: InvenTree checks, probes, state checks, and the named rules."""
