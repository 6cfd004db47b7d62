"""Fault-injection tools for the sync protocol; server-agnostic, loopback only."""
