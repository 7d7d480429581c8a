"""The benchmark's child processes, each a module run by importing it (``run_child``).

Imported, they start from the bytecode cache, as the installed program's own modules do:
a child given as ``python -c SOURCE`` would compile its source at every start (about 5 ms
for the program's harness here against 1.7 ms for the bare window's), a cost of the
measurement that neither the program nor its floor has. Each prints one JSON line last.
"""
