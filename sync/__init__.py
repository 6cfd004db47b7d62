"""The offline sync protocol: pure Python, no Django and no HTTP."""
