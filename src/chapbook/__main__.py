"""``python -m chapbook`` runs the command line."""

from chapbook.cli import main

main()
