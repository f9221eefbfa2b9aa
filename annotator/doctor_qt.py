"""`annotator doctor`, the desktop side: can Qt start here, and which packages are missing if not.

Without a few X11 libraries Qt prints only "could not load the Qt platform plugin xcb", naming
nothing. This module finds the plugin on disk (without importing Qt: the core never does), asks
``ldd`` what it and the Qt libraries it needs cannot find, and names the package that ships each
missing library on Debian/Ubuntu, Fedora and Arch. The start itself is tried in a subprocess, so a
crash there cannot take the doctor down.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

from annotator.findings import Finding

DISTROS = ("debian", "fedora", "arch")
INSTALL = {"debian": "sudo apt install", "fedora": "sudo dnf install", "arch": "sudo pacman -S"}
# soname -> package on Debian/Ubuntu, Fedora, Arch.
PACKAGES: dict[str, tuple[str, str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util", "xcb-util"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb", "libxcb"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb", "libxcb"),
    "libxcb-xinerama.so.0": ("libxcb-xinerama0", "libxcb", "libxcb"),
    "libxcb-xinput.so.0": ("libxcb-xinput0", "libxcb", "libxcb"),
    "libxcb-glx.so.0": ("libxcb-glx0", "libxcb", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb", "libxcb"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb", "libx11"),
    "libX11.so.6": ("libx11-6", "libX11", "libx11"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon", "libxkbcommon"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl", "libglvnd"),
    "libGL.so.1": ("libgl1", "libglvnd-glx", "libglvnd"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl", "libglvnd"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype", "freetype2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs", "dbus"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2", "glib2"),
    "libSM.so.6": ("libsm6", "libSM", "libsm"),
    "libICE.so.6": ("libice6", "libICE", "libice"),
    "libwayland-client.so.0": ("libwayland-client0", "libwayland-client", "wayland"),
    "libwayland-cursor.so.0": ("libwayland-cursor0", "libwayland-cursor", "wayland"),
}
# What the xcb plugin loads: the plugin, then the Qt libraries it needs (ldd of each).
QT_FILES = (
    "plugins/platforms/libqxcb.so",
    "lib/libQt6XcbQpa.so.6",
    "lib/libQt6Gui.so.6",
    "lib/libQt6Widgets.so.6",
)


def qt_folder() -> Path | None:
    """PySide6's Qt folder: in the venv, or inside the packaged app."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle and (Path(bundle) / "PySide6" / "Qt").is_dir():
        return Path(bundle) / "PySide6" / "Qt"
    spec = importlib.util.find_spec("PySide6")  # finds the package without importing Qt
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "Qt"


def missing_in_ldd(output: str) -> list[str]:
    """Sonames ``ldd`` printed as ``not found``."""
    found = []
    for line in output.splitlines():
        name, _, where = line.strip().partition("=>")
        if "not found" in where and name.strip() not in found:
            found.append(name.strip())
    return found


def distribution(os_release: str) -> str | None:
    """debian, fedora or arch from /etc/os-release (ID, then ID_LIKE), else None."""
    fields = dict(
        line.split("=", 1) for line in os_release.splitlines() if "=" in line and not line.startswith("#")
    )
    names = " ".join(fields.get(k, "").strip().strip('"') for k in ("ID", "ID_LIKE")).split()
    aliases = {"ubuntu": "debian", "rhel": "fedora", "centos": "fedora", "manjaro": "arch"}
    for name in names:
        if name in DISTROS or name in aliases:
            return aliases.get(name, name)
    return None


def install_commands(missing: list[str], distro: str | None) -> list[str]:
    """One install command per distribution concerned (only the user's one when it is known)."""
    commands = []
    for i, name in enumerate(DISTROS):
        if distro not in (None, name):
            continue
        packages = sorted({PACKAGES[lib][i] for lib in missing if lib in PACKAGES})
        if packages:
            commands.append(f"{INSTALL[name]} {' '.join(packages)}")
    return commands


def _os_release() -> str:
    try:
        return Path("/etc/os-release").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def check_libraries(qt: Path, ldd: str | None = None) -> Finding:
    """The system libraries the xcb platform plugin and Qt need, named by package when missing."""
    ldd = ldd or shutil.which("ldd")
    plugin = qt / QT_FILES[0]
    if not plugin.is_file():
        return Finding(
            "fail",
            f"Qt's X11 platform plugin is missing ({plugin})",
            "reinstall: pip install -U --force-reinstall PySide6-Essentials",
        )
    if ldd is None:
        return Finding("warn", "cannot check Qt's system libraries: ldd is not installed")
    missing: list[str] = []
    for name in QT_FILES:
        path = qt / name
        if path.is_file():
            done = subprocess.run([ldd, str(path)], capture_output=True, text=True, timeout=30, check=False)
            missing += [lib for lib in missing_in_ldd(done.stdout) if lib not in missing]
    if not missing:
        return Finding("ok", "Qt's X11 platform plugin finds all its system libraries")
    commands = install_commands(missing, distribution(_os_release()))
    unknown = [lib for lib in missing if lib not in PACKAGES]
    fix = "; or ".join(commands) if commands else ""
    if unknown:
        fix += ("; " if fix else "") + f"also install the package that provides {', '.join(unknown)}"
    return Finding("fail", f"Qt's X11 platform plugin cannot load: missing {', '.join(missing)}", fix)


PROBE_ENV = "ANNOTATOR_QT_PROBE"
PROBE = "from PySide6.QtWidgets import QApplication; app = QApplication([]); print(app.platformName())"


def check_start(timeout: float = 60) -> Finding:
    """Start a QApplication in a subprocess on the platform the app would use."""
    platform = os.environ.get("QT_QPA_PLATFORM")
    if not platform and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return Finding(
            "warn",
            "no display (DISPLAY and WAYLAND_DISPLAY are unset): the window cannot open here",
            "start it from a desktop session; `annotator gui --screenshot FILE` works without one",
        )
    frozen = getattr(sys, "frozen", False)  # the packaged app: its own executable is the probe
    command = [sys.executable] if frozen else [sys.executable, "-c", PROBE]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env={**os.environ, PROBE_ENV: "1"},
        )
    except subprocess.TimeoutExpired:
        return Finding("warn", f"Qt did not start within {timeout:.0f} s (a hung display server?)")
    if done.returncode == 0:
        return Finding("ok", f"Qt starts on the {done.stdout.strip() or 'default'} platform")
    tail = " ".join(done.stderr.strip().splitlines()[-2:])
    return Finding("fail", f"Qt cannot start (exit {done.returncode}): {tail}", "see the library check above")


def qt_findings() -> list[Finding]:
    qt = qt_folder()
    if qt is None:
        return [Finding("fail", "PySide6 is not installed", "pip install 'PySide6-Essentials<6.12'")]
    found = [Finding("ok", f"PySide6 found in {qt.parent}")]
    if sys.platform.startswith("linux"):
        found.append(check_libraries(qt))
    found.append(check_start())
    return found
