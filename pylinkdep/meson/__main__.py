"""``python -m pylinkdep.meson``: the same as ``pylinkdep-meson``.

Meson reruns its launcher as ``python <this file>`` to regenerate, so the import is
absolute.
"""

import sys

from pylinkdep.meson import main

if __name__ == "__main__":
    sys.exit(main())
