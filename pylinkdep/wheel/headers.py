"""Public headers: the functions a C or C++ header declares, and whether a library
exports them (``generate`` and ``check`` ask, to catch an API built with hidden
visibility and no export macro)."""

import re
from collections.abc import Set


def declared_functions(header: str) -> list[str]:
    """Names of the functions a C header declares at file scope (not static, not typedefs)."""
    text = re.sub(r"/\*.*?\*/|//[^\n]*", " ", header, flags=re.DOTALL)
    text = re.sub(r"^\s*#(?:[^\n]*\\\n)*[^\n]*", " ", text, flags=re.MULTILINE)
    text = re.sub(r'extern\s*"C"\s*\{', " ", text)
    while True:  # drop bodies: struct members, inline functions
        stripped = re.sub(r"\{[^{}]*\}", ";", text)
        if stripped == text:
            break
        text = stripped
    names = []
    for statement in re.split(r"[;}]", text):
        statement = statement.strip()
        if not statement or re.match(r"(typedef|static|using|namespace|template)\b", statement):
            continue
        match = re.search(r"\b([A-Za-z_]\w*)\s*\((?:[^()]|\([^()]*\))*\)\s*$", statement)
        if match and match.group(1) not in ("__attribute__", "__declspec", "sizeof"):
            names.append(match.group(1))
    return names


def exported_by(function: str, exported: Set[str]) -> bool:
    """Whether a library exporting ``exported`` exports the declared ``function``: by its
    name, or (C++) by a mangled name containing ``<len><name>``."""
    token = f"{len(function)}{function}"
    return function in exported or any(s.startswith("_Z") and token in s for s in exported)
