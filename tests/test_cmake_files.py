"""The generated CMake config packages, byte for byte, against stored copies
(tests/cmake_files/): speeding up or restructuring the generator must not change them.

Run with ``PYLINKDEP_UPDATE_CMAKE_FILES=1`` to rewrite the stored copies after a
deliberate change to the generated text.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

import pylinkdep
from pylinkdep.outputs import cmake as emit_cmake

from .conftest import MakeProvider, valid_doc

pytestmark = pytest.mark.integration

STORED = Path(__file__).parent / "cmake_files"

# name: (version, overrides of the pylink.json): every ABI form the generator bounds,
# pre/post releases (left to packaging), a failing require, a generator expression, .pxd
# directories (alpha's variable holds beta's too).
PROVIDERS: dict[str, tuple[str, dict[str, object]]] = {
    "alpha": (
        "1.2.0",
        {
            "abi": "~=1.2",
            "requires": ["beta>=1.0"],
            "defines": ["A=$<1:x>", "B"],
            "compile_args": ["-O2"],
            "link_args": ["-Wl,--as-needed"],
            "pylink": 2,
            "cython_include_dirs": ["include"],
        },
    ),
    "beta": ("1.2.0", {"pylink": 2, "cython_include_dirs": ["include"]}),
    "gamma": ("1.3.0rc1", {"abi": ">=1.3.0rc1,<=1.9"}),
    "delta": ("1.5", {"abi": "==1.*"}),
    "epsilon": ("2.0.post1", {"abi": ">=2"}),
    "zeta": ("1.2.0", {"abi": "==1.2.0", "requires": ["nosuch>=1"]}),
    "theta": ("1.2.5", {"abi": "~=1.2.3"}),
    "iota": ("2.4", {"abi": ">=1,<3,<2.5"}),
    "kappa": ("1.2.0", {"abi": ">=1.2,!=1.3,<2.0.0"}),
    "lambda": ("1.2.0", {"abi": ">= 1.2 , < 2"}),
}


def _placeholders(tmp_path: Path) -> list[tuple[str, str]]:
    return [
        (emit_cmake.helpers_file(), "@HELPERS@"),
        (str(tmp_path), "@TMP@"),
        (sys.executable, "@PYTHON@"),
        (pylinkdep.__version__, "@VERSION@"),
    ]


def test_generated_files_are_unchanged(make_provider: MakeProvider, tmp_path: Path) -> None:
    site = tmp_path / "site"
    for name, (version, overrides) in PROVIDERS.items():
        doc = valid_doc(name, version=version, **overrides)
        make_provider(site, name, doc=doc, version=version)
    prefix = tmp_path / "prefix"
    emit_cmake.write_prefix(str(prefix), path=[str(site)])
    generated = {}
    for file in sorted(prefix.glob("*/*.cmake")):
        text = file.read_text()
        for value, placeholder in _placeholders(tmp_path):
            text = text.replace(value, placeholder)
        generated[file.relative_to(prefix).as_posix()] = text
    assert len(generated) == 2 * len(PROVIDERS) + 1
    if os.environ.get("PYLINKDEP_UPDATE_CMAKE_FILES"):
        for rel, text in generated.items():
            (STORED / rel).parent.mkdir(parents=True, exist_ok=True)
            (STORED / rel).write_text(text)
        pytest.skip("stored copies rewritten")
    stored = {f.relative_to(STORED).as_posix(): f.read_text() for f in STORED.glob("*/*.cmake")}
    assert sorted(generated) == sorted(stored)
    for rel, text in generated.items():
        assert text == stored[rel], rel
