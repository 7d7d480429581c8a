"""The program's entry point: the ``ruralcouncil`` command, ``python -m ruralcouncil`` and the
frozen program all start in :func:`main`.

Python's cycle collector is paused while the program loads. Loading makes tens of thousands
of objects that live as long as the program does (modules, functions, classes, Qt's Python
enums), and the collector would go through them again and again while they are made, a few
dozen times in a start: about 20 ms of the window's start (a command's, shorter, showed no
difference worth measuring). Loading makes no cyclic garbage worth that. Once loaded, the
command line turns the collector back on before a command runs (:func:`resume_collection`),
and the window hands it to its GUI thread's collector (``ruralcouncil.gui.collector``),
which collects as often as Python's own thresholds would.

Only the entry point pauses it: importing the package (tests, outside probes) changes nothing.
"""

from __future__ import annotations

import gc

_paused = False  # whether pause_collection turned the collector off


def pause_collection() -> None:
    """Python's cycle collector off until :func:`resume_collection` (or the window's own)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_collection() -> None:
    """The collector back on, if :func:`pause_collection` turned it off (else as it was)."""
    global _paused
    if _paused:
        _paused = False
        gc.enable()


def main() -> int:
    """The command line (and the window, its command without a subject), loaded with the
    collector paused."""
    pause_collection()
    from ruralcouncil.cli import main as command_line

    return command_line()
