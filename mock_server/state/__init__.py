"""The mock's state: the store (tables of records) and the fixtures it loads and resets to."""
