"""What the mock serves: generic DRF-style views, serializers, listing and metadata.

The resource families (`handlers/`) say only what is particular to each.
"""
