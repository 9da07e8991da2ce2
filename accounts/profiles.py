"""
Where a new MT5 account's "Default" chart profile comes from.

The copy of the installation (accounts/instances.py) carries the
installation's own `Profiles\\Charts\\Default`. A standard (not portable)
install keeps the profile the user prepared elsewhere: in its data folder,
`%APPDATA%\\MetaQuotes\\Terminal\\<id>\\`, which names the installation it
belongs to in its `origin.txt` (docs/mt5.md §1). MT5_PROFILE_SOURCE, or
`accounts add --profile-from`, picks one:

- `install`: the installation's own, as copied;
- `data`: the data folder's, refused when there is none;
- `auto` (the default): the data folder's when the installation has one,
  else the installation's.

`candidates` and `choose` decide from the folders they are given (only
reading them); `copy_profile` is the one that writes.
"""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

from accounts.instances import PROFILE_DIRS, InstanceError

INSTALL, DATA, AUTO = "install", "data", "auto"
SOURCES = (AUTO, DATA, INSTALL)
ORIGIN = "origin.txt"
TERMINALS = Path("MetaQuotes") / "Terminal"


class ProfileError(InstanceError):
    """The profile asked for is not there; the message says where it looked."""


@dataclass(frozen=True)
class Candidate:
    source: str  # INSTALL or DATA
    folder: Path  # the Default profile's own folder
    base: str  # its parent, relative to the installation or data folder
    modified: float  # the newest file in it: when the user last saved it

    def describe(self):
        owner = "data folder" if self.source == DATA else "installation"
        return f"the {owner}'s ({self.folder})"


def candidates(appdata, install):
    """The Default profiles of the installation folder `install`: its own
    first, then those of the data folders under `appdata` (%APPDATA%) whose
    origin.txt names it, the most recently saved first."""
    found = [c for c in [default_profile(Path(install), INSTALL)] if c]
    data = []
    root = Path(appdata) / TERMINALS if appdata else None
    for folder in sorted(root.iterdir()) if root and root.is_dir() else ():
        if folder.is_dir() and same_folder(origin(folder), install):
            data += [c for c in [default_profile(folder, DATA)] if c]
    return found + sorted(data, key=lambda c: c.modified, reverse=True)


def choose(found, wanted):
    """The Candidate the account gets (None: neither has one). Raises
    ProfileError when `wanted` is `data` and there is none."""
    if wanted not in SOURCES:
        raise ProfileError(f"the profile source {wanted!r} is not one of {SOURCES}")
    data = [c for c in found if c.source == DATA]
    own = [c for c in found if c.source == INSTALL]
    if wanted == DATA and not data:
        raise ProfileError(
            "no data folder under %APPDATA%\\MetaQuotes\\Terminal names this "
            "installation in its origin.txt, or none has a Default profile: "
            "start the main terminal once, or use the installation's profile "
            "(--profile-from install)"
        )
    if data and wanted != INSTALL:
        return data[0]
    return own[0] if own else None


def default_profile(folder, source):
    for base in PROFILE_DIRS:
        profile = folder / base / "Default"
        if profile.is_dir():
            return Candidate(source, profile, base, newest(profile))
    return None


def newest(folder):
    times = [p.stat().st_mtime for p in folder.rglob("*") if p.is_file()]
    return max(times, default=folder.stat().st_mtime)


def origin(data_folder):
    """The installation folder a data folder belongs to, from its
    origin.txt (UTF-16 with a byte order mark as MT5 writes it, or UTF-8);
    None when it has none."""
    try:
        raw = (data_folder / ORIGIN).read_bytes()
    except OSError:
        return None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16", "replace")
    else:
        text = raw.decode("utf-8-sig", "replace")
    return text.strip().strip("\x00") or None


def same_folder(one, other):
    """Windows compares paths without regard to case or the slash used."""
    if not one or not other:
        return False
    return PureWindowsPath(str(one).rstrip("\\/")) == PureWindowsPath(
        str(other).rstrip("\\/")
    )


def charts_with_experts(profile):
    """The chart files of a profile that attach an Expert Advisor: copied,
    it would run on the account's terminal too."""
    found = []
    for chart in sorted(Path(profile).glob("*.chr")):
        raw = chart.read_bytes()
        text = raw.decode(
            "utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8", "replace"
        )
        if "<expert>" in text.lower():
            found.append(chart.name)
    return found


def copy_profile(candidate, dest):
    """Put `candidate`'s Default profile in the account's folder `dest`, in
    place of the one the installation's copy brought; returns its path."""
    target = Path(dest) / candidate.base / "Default"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(candidate.folder, target, symlinks=False)
    return target


def apply(install, dest, wanted, appdata=None):
    """Give the account's folder `dest` the Default profile `wanted` asks
    for; returns the Candidate it got, or None."""
    if appdata is None:
        # Where a standard install keeps its data folders (Windows only).
        appdata = os.environ.get("APPDATA", "")
    chosen = choose(candidates(appdata, install), wanted)
    if chosen is not None and chosen.source == DATA:
        copy_profile(chosen, dest)
    return chosen
