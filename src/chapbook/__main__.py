"""``python -m chapbook`` runs the command line."""

from chapbook.entry import main

main()
