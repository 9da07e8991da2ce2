"""
The few Windows calls the terminals need: find a process's top-level windows,
bring one to the front, ask them to close.

`accounts.terminals` imports this module only on Windows. The user32 bindings
load on first use, so the pure part (which window belongs to which process)
imports and is tested anywhere.
"""

import ctypes
from dataclasses import dataclass
from functools import cache

SW_RESTORE = 9
WM_CLOSE = 0x0010


@dataclass(frozen=True)
class Window:
    handle: int
    pid: int
    visible: bool
    title: str


def windows_of(windows, pid):
    """The visible top-level windows of process `pid`, titled ones first (MT5's
    main window has a title; its helper windows mostly do not)."""
    mine = [w for w in windows if w.pid == pid and w.visible]
    return sorted(mine, key=lambda w: not w.title)


def main_window(windows, pid):
    """The window to bring forward for `pid`, or None when it shows none."""
    mine = windows_of(windows, pid)
    return mine[0] if mine else None


@cache
def _user32():
    from ctypes import wintypes

    user32 = ctypes.WinDLL("user32", use_last_error=True)
    user32.GetWindowThreadProcessId.argtypes = [
        wintypes.HWND,
        ctypes.POINTER(wintypes.DWORD),
    ]
    user32.GetWindowTextLengthW.argtypes = [wintypes.HWND]
    user32.GetWindowTextW.argtypes = [wintypes.HWND, wintypes.LPWSTR, ctypes.c_int]
    user32.IsWindowVisible.argtypes = [wintypes.HWND]
    user32.IsIconic.argtypes = [wintypes.HWND]
    user32.ShowWindow.argtypes = [wintypes.HWND, ctypes.c_int]
    user32.SetForegroundWindow.argtypes = [wintypes.HWND]
    user32.PostMessageW.argtypes = [
        wintypes.HWND,
        wintypes.UINT,
        wintypes.WPARAM,
        wintypes.LPARAM,
    ]
    return user32


def _describe(user32, handle):
    from ctypes import wintypes

    pid = wintypes.DWORD()
    user32.GetWindowThreadProcessId(handle, ctypes.byref(pid))
    length = user32.GetWindowTextLengthW(handle)
    title = ctypes.create_unicode_buffer(length + 1)
    user32.GetWindowTextW(handle, title, length + 1)
    visible = bool(user32.IsWindowVisible(handle))
    return Window(handle, pid.value, visible, title.value)


def top_level_windows():
    """Every top-level window on the desktop, as Window records."""
    from ctypes import wintypes

    user32 = _user32()
    found = []
    callback_type = ctypes.WINFUNCTYPE(wintypes.BOOL, wintypes.HWND, wintypes.LPARAM)

    def collect(handle, _param):
        found.append(_describe(user32, handle))
        return True

    user32.EnumWindows(callback_type(collect), 0)
    return found


def focus(pid):
    """Restore and raise the main window of `pid`; False when it has none.
    Windows may refuse to raise it (focus-stealing rules) and flash it instead."""
    window = main_window(top_level_windows(), pid)
    if window is None:
        return False
    user32 = _user32()
    if user32.IsIconic(window.handle):
        user32.ShowWindow(window.handle, SW_RESTORE)
    user32.SetForegroundWindow(window.handle)
    return True


def request_close(pid):
    """Post WM_CLOSE to each visible window of `pid`, as clicking its close
    button would; returns how many windows were asked."""
    user32 = _user32()
    mine = windows_of(top_level_windows(), pid)
    for window in mine:
        user32.PostMessageW(window.handle, WM_CLOSE, 0, 0)
    return len(mine)
