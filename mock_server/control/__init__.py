"""Routes outside the contract: the control API under /_mock/, uploaded media, /api/schema/."""
