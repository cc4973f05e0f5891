"""Exceptions raised by pylinkdep; all derive from PylinkError."""

__all__ = [
    "DependencyCycle",
    "DuplicateProvider",
    "InvalidMetadata",
    "ProviderNotFound",
    "PylinkError",
    "PythonMismatch",
    "VersionConflict",
]


class PylinkError(Exception):
    """Base class: a problem with a provider, its metadata or a request for it.

    ``distribution``, ``file`` and ``field`` say where the problem is, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        distribution: str | None = None,
        file: str | None = None,
        field: str | None = None,
    ) -> None:
        self.distribution = distribution
        self.file = file
        self.field = field
        where = ", ".join(
            part
            for part in (
                f"distribution {distribution!r}" if distribution else "",
                f"file {file}" if file else "",
                f"field {field!r}" if field else "",
            )
            if part
        )
        super().__init__(f"{message} ({where})" if where else message)


class ProviderNotFound(PylinkError):
    """No installed provider has the requested name."""

    build_env: "str | None" = None
    """The isolated build environment searched, when the lookup ran in one."""


class VersionConflict(PylinkError):
    """A provider is installed, but its version does not satisfy a requirement."""


class PythonMismatch(PylinkError):
    """A provider was built for another Python than the one the build targets."""


class InvalidMetadata(PylinkError):
    """A pylink.json (or its entry point) is malformed, hostile or inconsistent."""


class DuplicateProvider(PylinkError):
    """Two distributions claim the same dependency name."""


class DependencyCycle(PylinkError):
    """Providers require each other in a cycle."""
