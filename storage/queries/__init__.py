"""Queries by area. Each function takes a `Session` and never commits: the caller owns the transaction."""
