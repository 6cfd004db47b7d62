"""Survey forms and the scoring engine: pure Python, no Django.

Everything here must also run on a phone port, so it imports only the standard library.
"""
