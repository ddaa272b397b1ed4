"""Routers: thin, each delegating to a service."""
