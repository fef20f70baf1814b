"""Casework's kernel: users, centres, roles, the permission layer, audit and crypto."""
