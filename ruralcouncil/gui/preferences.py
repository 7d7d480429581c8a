"""This PC's window preferences (size and place, who logged in last), kept with the other
preferences (beside a portable program). Light on purpose: the login dialog reads the last
user's name before anything of the main window is loaded."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from ruralcouncil import paths


def window_settings() -> QSettings:
    """Window size and place, kept with the other preferences (beside a portable program)."""
    return QSettings(str(paths.config_dir() / "window.ini"), QSettings.Format.IniFormat)


def last_user_name() -> str:
    """Who logged in last on this PC: one less thing to type on a shared computer."""
    return str(window_settings().value("login/last_user", "") or "")


def remember_user_name(name: str) -> None:
    window_settings().setValue("login/last_user", name)
