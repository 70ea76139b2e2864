"""Porta Plus 2 sandbox: a local, stateful stand-in for the Porta Plus 2 Web Services."""
