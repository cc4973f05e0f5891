"""``pylinkdep check``: lint a wheel as a provider and as a consumer, of any platform
(ELF, Mach-O and PE libraries, read by :mod:`pylinkdep._binary`).

Provider rules: each ``pylink`` entry point names a package holding a valid
pylink.json of the wheel's version; its paths exist in the wheel and stay in the
package (a library may also be another file of the wheel, such as auditwheel's
``<dist>.libs/``); each library's name for the loader (ELF SONAME, Mach-O install name,
which must be ``@rpath/<file>``, PE DLL name) is the declared one and the file name the
loader will look for; an ``extension`` library exports a ``PyInit_`` function and
``python_abi`` is set; every function the public headers declare is exported;
every pylink.json in the wheel has its entry point; ``python_abi`` matches the
wheel's ABI tag. Rules for every library in the wheel, a provider's or a consumer's: no
run path or name of a library to load holds a path of the build machine (run paths
start at ``$ORIGIN`` or ``@loader_path``; a Mach-O file loads ``@rpath/``,
``@loader_path/`` or macOS system libraries; ELF and PE libraries are loaded by name).
Consumer rules: no installed or recorded provider's library is vendored (a second
instance with its own state: auditwheel copies it as ``<dist>.libs/libfoo-<hash>.so.1``,
delvewheel as ``<dist>.libs/foo-<hash>.dll``, delocate into ``.dylibs/`` under another
install name; the message gives that tool's option against it), Requires-Dist covers
the ABI range of each linked provider, each binary that loads a provider has a run-time
module recording it in its package or a parent package, and each provider a run-time
module records is loaded by a binary in that package or below
(:mod:`pylinkdep.wheel.consumer`).
"""

from __future__ import annotations

import io
import posixpath
import zipfile

from .. import _binary, _discovery
from .._fs import inside
from .._resolve import providers
from .._versions import Version
from ..errors import PylinkError
from ..metadata import MAX_BYTES, PATTERNS, LibraryEntry, Metadata, normalize_name, parse
from ..rpath import ORIGIN
from . import repair
from .headers import declared_functions, exported_by

_HEADER_SUFFIXES = (".h", ".hh", ".hpp", ".hxx")
# What each format calls a library's own name and the names of the libraries it loads.
_FIELDS = {
    "elf": ("SONAME", "NEEDED entry"),
    "macho": ("install name", "LC_LOAD_DYLIB"),
    "pe": ("DLL name", "imported DLL"),
}
# Run paths (none on PE): what each format calls an entry, and how one that starts at the
# loading file starts.
_RUN_PATHS = {
    "elf": ("run path entry", (ORIGIN["linux"], "${ORIGIN}")),
    "macho": ("LC_RPATH", (ORIGIN["darwin"],)),
}
_PATH_SEPARATORS = {"elf": "/", "pe": "/\\:"}
# What a Mach-O file may load: through its run paths, beside itself, macOS's own libraries.
_MACOS_LOADABLE = ("@rpath/", "@loader_path/", "/usr/lib/", "/System/Library/")


def check_wheel(path: str) -> list[str]:
    """The problems found in one wheel; empty when it passes."""
    try:
        with zipfile.ZipFile(path) as zf:
            return Wheel(path, zf).problems()
    except (OSError, zipfile.BadZipFile) as exc:
        return [f"cannot read the wheel: {exc}"]


class Wheel:
    """A wheel open as ``zf``: its files, dist-info, providers and problems."""

    def __init__(self, path: str, zf: zipfile.ZipFile) -> None:
        self.path = path
        self.zf = zf
        self.names = {n for n in zf.namelist() if not n.endswith("/")}
        dist_infos = {
            n.split("/", 1)[0] for n in self.names if n.split("/", 1)[0].endswith(".dist-info")
        }
        self.dist_info = min(dist_infos) if dist_infos else ""
        self.distribution, _, rest = self.dist_info.partition("-")
        self.version = rest[: -len(".dist-info")]
        self.declared_sonames: set[str] = set()
        self.abi_tags = self._abi_tags()

    def _abi_tags(self) -> set[str]:
        """The ABI parts (``cp312``, ``abi3``, ``none``) of the WHEEL file's tags."""
        wheel_file = f"{self.dist_info}/WHEEL"
        if wheel_file not in self.names:
            return set()
        text = self.zf.read(wheel_file).decode("utf-8", "replace")
        tags = (
            line[4:].strip().split("-") for line in text.splitlines() if line.startswith("Tag:")
        )
        return {tag[1] for tag in tags if len(tag) == 3}

    def problems(self) -> list[str]:
        if not self.dist_info:
            return ["no .dist-info directory: not a wheel"]
        found: list[str] = []
        claimed: set[str] = set()
        try:
            entry_points = self.entry_points()
        except PylinkError as exc:
            return [str(exc)]
        for name, package in entry_points:
            if not PATTERNS["package"].search(package):
                found.append(
                    f"{self.dist_info}/entry_points.txt: entry point pylink.{name} = "
                    f"{package!r} must name a package, like 'pkg' or 'pkg.sub'"
                )
                continue
            pkg_dir = package.replace(".", "/")
            claimed.add(f"{pkg_dir}/pylink.json")
            found += self._provider(name, pkg_dir)
        for orphan in sorted(n for n in self.names if posixpath.basename(n) == "pylink.json"):
            if orphan not in claimed:
                found.append(
                    f"{orphan}: no [pylink] entry point names its package; add "
                    f"[project.entry-points.pylink] NAME = "
                    f'"{posixpath.dirname(orphan).replace("/", ".")}" to pyproject.toml'
                )
        try:
            found += self._consumer()
        except PylinkError as exc:  # a malformed run-time module: a finding, not a crash
            found.append(str(exc))
        return found

    def entry_points(self) -> list[tuple[str, str]]:
        """The ``pylink`` entry points, ``(name, package)``; PylinkError if unreadable."""
        ep_file = f"{self.dist_info}/entry_points.txt"
        data = self.zf.read(ep_file) if ep_file in self.names else b""
        return _discovery.parse_entry_points(data, f"{self.path}!{self.dist_info}")

    def metadata(self, name: str, pkg_dir: str) -> Metadata:
        """The pylink.json of entry point ``name`` in ``pkg_dir``; PylinkError if it is
        missing, too large or invalid."""
        file = f"{pkg_dir}/pylink.json"
        if file not in self.names:
            raise PylinkError(
                f"entry point pylink.{name} names package {pkg_dir.replace('/', '.')!r}, "
                f"but {file} is not in the wheel"
            )
        if self.zf.getinfo(file).file_size > MAX_BYTES:  # refused before it fills memory
            raise PylinkError(f"{file}: larger than {MAX_BYTES} bytes")
        return parse(self.zf.read(file), file=f"{self.path}!{file}", distribution=self.distribution)

    def _provider(self, name: str, pkg_dir: str) -> list[str]:
        file = f"{pkg_dir}/pylink.json"
        try:
            meta = self.metadata(name, pkg_dir)
        except PylinkError as exc:
            return [str(exc)]
        found = []
        if normalize_name(meta.name) != normalize_name(name):
            found.append(f"{file}: name {meta.name!r} differs from the entry point name {name!r}")
        if _version(meta.version) != _version(self.version):
            found.append(
                f"{file}: version {meta.version} differs from the wheel's version {self.version}"
            )
        exported: set[str] | None = set()
        for i, lib in enumerate(meta.libraries):
            problem, symbols = self._library(file, pkg_dir, i, lib)
            found += problem
            self.declared_sonames.add(lib.soname)
            if symbols is None:  # unreadable: its exports are unknown
                exported = None
                continue
            if exported is not None:
                exported |= symbols
            if lib.kind == "extension" and not problem:
                found += _extension(f"{file}: libraries[{i}]", lib.path, symbols, meta)
        if meta.python_abi and self.abi_tags and meta.python_abi not in self.abi_tags:
            found.append(
                f"{file}: python_abi {meta.python_abi!r} does not match the wheel's ABI tag "
                f"{' / '.join(sorted(self.abi_tags))}"
            )
        found += self._directories(file, pkg_dir, "include_dirs", meta.include_dirs, "")
        found += self._directories(
            file, pkg_dir, "cython_include_dirs", meta.cython_include_dirs, ".pxd"
        )
        if meta.libraries and exported is not None:
            found += self._api(file, meta, pkg_dir, exported)
        return found

    def _directories(
        self, file: str, pkg_dir: str, key: str, dirs: tuple[str, ...], suffix: str
    ) -> list[str]:
        """Each directory of ``key`` is inside the package and in the wheel, holding a
        file ending in ``suffix`` (directly or below it) when one is given."""
        found = []
        for i, rel in enumerate(dirs):
            target = posixpath.normpath(posixpath.join(pkg_dir, rel))
            members = [n for n in self.names if n.startswith(target + "/")]
            if not inside(target, pkg_dir, "/"):
                found.append(f"{file}: {key}[{i}] {rel!r} leaves the package {pkg_dir}/")
            elif not members:
                found.append(f"{file}: {key}[{i}] {rel!r}: no such directory in the wheel")
            elif suffix and not any(n.endswith(suffix) for n in members):
                found.append(f"{file}: {key}[{i}] {rel!r}: holds no {suffix} file")
        return found

    def _shipped(self, pkg_dir: str, field: str, rel: str, what: str) -> tuple[str, str | None]:
        """The wheel member a library entry's path names, and the problem if it leaves
        the package (not recorded beside it) or is missing."""
        target = posixpath.normpath(posixpath.join(pkg_dir, rel))
        if target.startswith("../") or (
            not inside(target, pkg_dir, "/") and target not in self.names
        ):
            return target, f"{field} {rel!r} leaves the package {pkg_dir}/"
        if target not in self.names:
            return target, f"{field} {rel!r}: {what} missing from the wheel"
        return target, None

    def _library(
        self, file: str, pkg_dir: str, i: int, lib: LibraryEntry
    ) -> tuple[list[str], set[str] | None]:
        """Problems of one library entry, and its exported symbols (None: unreadable)."""
        field = f"{file}: libraries[{i}]"
        rel, soname = lib.path, lib.soname
        target, missing = self._shipped(pkg_dir, field, rel, "library")
        if missing:
            return [missing], None
        data = io.BytesIO(self.zf.read(target))
        try:
            found_images = _binary.images(data)
            data.seek(0)
            exported = _binary.exported_symbols(data)
        except _binary.NotSharedLibrary as exc:
            return [f"{field} {rel!r} {exc}"], None
        found = []
        shipped = posixpath.basename(target)
        for image in found_images:
            where = _image(target, image, found_images)
            problem = _binary.name_problem(image, shipped)
            if problem:
                found.append(f"{field}: {where} {problem}")
            elif image.soname != soname:
                found.append(
                    f"{field}: {_FIELDS[image.format][0]} of {where} is {image.soname!r}, "
                    f"pylink.json says {soname!r}"
                )
            elif shipped != posixpath.basename(soname):
                found.append(
                    f"{field}: the loader looks for {soname!r} but the wheel ships {shipped!r}"
                )
        if lib.import_library:
            _, missing = self._shipped(
                pkg_dir, f"{field}.import_library", lib.import_library, "import library"
            )
            found += [missing] if missing else []
        elif any(image.format == "pe" for image in found_images):
            found.append(
                f"{field}: {rel!r} is a DLL and pylink.json gives no import_library: "
                "consumers on Windows link the .lib or .dll.a (pylinkdep generate "
                "--import-library FILE, and ship the file)"
            )
        return found, set(exported)

    def _api(self, file: str, meta: Metadata, pkg_dir: str, exported: set[str]) -> list[str]:
        """Every function the public headers declare must be exported by a library."""
        found = []
        for include in meta.include_dirs:
            base = posixpath.normpath(posixpath.join(pkg_dir, include)) + "/"
            for header in sorted(n for n in self.names if n.startswith(base)):
                if not header.endswith(_HEADER_SUFFIXES):
                    continue
                text = self.zf.read(header).decode("utf-8", "replace")
                for function in declared_functions(text):
                    if not exported_by(function, exported):
                        found.append(
                            f"{file}: {function}() is declared in {header} but not exported by "
                            f"the provider's libraries (hidden visibility?)"
                        )
        return found

    def _consumer(self) -> list[str]:
        found = []
        errors: list[PylinkError] = []
        provider_sonames = {  # by file name: a copy's install name may be another path
            posixpath.basename(lib.soname): p.name
            for p in providers(errors=errors)
            for lib in p.libraries
        }
        from .consumer import (
            recorded_sonames,
            requires_problems,
            runtime_problems,
            unchecked_problems,
            ungrafted,
            unloaded_problems,
        )

        provider_sonames.update(
            (posixpath.basename(soname), name) for soname, name in recorded_sonames(self.zf).items()
        )
        for name in sorted(self.names):
            base = posixpath.basename(name)
            if not _binary.library_name(base):
                continue
            try:
                found_images = _binary.images(io.BytesIO(self.zf.read(name)))
            except _binary.NotSharedLibrary:
                continue
            for image in found_images:
                found += _load_path_problems(_image(name, image, found_images), image)
            soname = found_images[0].soname or base
            if soname in self.declared_sonames:
                continue
            # auditwheel and delvewheel rename the copy, delocate its install name
            copied = (ungrafted(posixpath.basename(soname)), ungrafted(base))
            original = next((n for n in copied if n in provider_sonames), None)
            if original is not None:
                tool = repair.FORMAT_TOOLS[found_images[0].format]
                found.append(
                    f"{name}: vendors {original} of pylink provider "
                    f"{provider_sonames[original]!r}: a second copy with its own state, "
                    f"which the consumer loads instead of the provider's; repair with {tool} "
                    f"{' '.join(repair.arguments(tool, [original]))} (pylinkdep repair-args "
                    "prints the options for all its providers)"
                )
        found += requires_problems(self.zf, self.dist_info) + unloaded_problems(self.zf)
        declared = {posixpath.basename(s) for s in self.declared_sonames}
        found += unchecked_problems(self.zf, provider_sonames, declared)
        return found + runtime_problems(self.zf)


def _image(member: str, image: _binary.Dynamic, images: tuple[_binary.Dynamic, ...]) -> str:
    """A member of the wheel, or one architecture of it when it is a universal file."""
    return f"{member} ({image.arch})" if len(images) > 1 else member


def _load_path_problems(where: str, image: _binary.Dynamic) -> list[str]:
    """Run path entries and names of libraries to load that hold a path of the build
    machine: each run path must start at the loading file, each library be found through
    the run path (or, on macOS, be a system library)."""
    found = []
    for entry in image.runpath + image.rpath:
        run_field, origin = _RUN_PATHS[image.format]
        if not entry.startswith(origin):
            found.append(f"{where}: {run_field} {entry!r} is not {origin[0]}-relative")
    needed_field = _FIELDS[image.format][1]
    for needed in image.needed:
        if image.format == "macho":
            if not needed.startswith(_MACOS_LOADABLE):
                found.append(
                    f"{where}: {needed_field} {needed!r} is neither @rpath/ nor "
                    "@loader_path/-relative nor a macOS system library: the loader opens "
                    "that file only"
                )
        elif any(sep in needed for sep in _PATH_SEPARATORS[image.format]):
            found.append(
                f"{where}: {needed_field} {needed!r} is a path: the loader opens that file only"
            )
    return found


def _extension(field: str, rel: str, exported: set[str], meta: Metadata) -> list[str]:
    """A ``kind: "extension"`` library is a Python module and says which Python it needs."""
    found = []
    if not any(symbol.startswith("PyInit_") for symbol in exported):
        found.append(
            f"{field} {rel!r} is of kind 'extension' but exports no PyInit_ function; "
            "use kind 'shared' for a plain library"
        )
    if meta.python_abi is None:
        found.append(
            f"{field} {rel!r} is a Python extension, but python_abi is null: set it "
            "(pylinkdep generate --python-abi cp3XY or abi3)"
        )
    return found


def _version(text: str) -> Version | str:
    try:
        return Version(text)
    except ValueError:
        return text
