"""The arguments that keep each platform's wheel repair tool from copying pylink
providers' libraries into a consumer wheel (a second copy has its own state): which tool
a wheel's platform tag calls for, and that tool's options for the library names
:func:`~pylinkdep.wheel.consumer.exclude_sonames` gives."""

import os

from ..errors import PylinkError

TOOLS = ("auditwheel", "delocate", "delvewheel")
"""auditwheel repair (Linux), delocate-wheel (macOS), delvewheel repair (Windows)."""
_PLATFORMS = (
    ("linux_", "auditwheel"),
    ("manylinux", "auditwheel"),
    ("musllinux_", "auditwheel"),
    ("macosx_", "delocate"),
    ("win", "delvewheel"),
)
"""How a platform tag starts (``manylinux_2_28_x86_64``, ``manylinux2014_aarch64``,
``macosx_11_0_arm64``, ``win_amd64``, ``win32``), and its tool."""


FORMAT_TOOLS = {"elf": "auditwheel", "macho": "delocate", "pe": "delvewheel"}
"""The repair tool of each library format's platform."""


def tool_for(wheel: str) -> str:
    """The repair tool for ``wheel`` from the platform tags of its file name."""
    name = os.path.basename(wheel)
    parts = name[: -len(".whl")].split("-") if name.endswith(".whl") else []
    found = set()
    for tag in parts[-1].split(".") if len(parts) >= 5 else ():
        found |= {tool for start, tool in _PLATFORMS if tag.startswith(start)}
    if len(found) != 1:
        raise PylinkError(
            f"{wheel}: no one repair tool for its platform tag (a wheel file name ends "
            "-<python>-<abi>-<platform>.whl, the platform linux_*, manylinux_*, "
            "musllinux_*, macosx_* or win*)",
            file=wheel,
        )
    return found.pop()


def arguments(tool: str, names: "list[str]") -> list[str]:
    """``tool``'s options that leave the libraries ``names`` (file names: SONAMEs,
    install names' last part, DLL names) out of a repaired wheel.

    delvewheel takes DLL names ``os.pathsep``-separated (``;`` on Windows) in one
    option (a soname holds neither ``:`` nor ``;``: pylink.json's pattern); ``--no-mangle``
    names them too, so that the imports of the wheel's binaries keep the provider's DLL
    name (delvewheel renames, "mangles", the DLLs it handles; 1.13 leaves excluded ones
    alone already).
    """
    if tool != "delvewheel":
        return [arg for name in names for arg in ("--exclude", name)]
    if not names:
        return []
    joined = os.pathsep.join(names)
    return ["--exclude", joined, "--no-mangle", joined]
