"""The commands of :mod:`chapbook.cli`, one module each; cli.py lists them all."""
