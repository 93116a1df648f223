"""numba's on-disk cache, made to notice a change anywhere in the engine.

numba keys a cached kernel on its own source file only, yet the machine code it
caches has every kernel it calls (and every constant it imports) compiled in.
After an edit of pairs.angles, relu.gradient, whose file is unchanged, kept
loading the old angles from its cache: stale numbers, and stale timings (m = 5
teachers at n = 10 stepped at 3.0 us with the old angles inlined, 2.4 us after
a fresh compile). So every kernel of this package
is stamped with a digest of all the package's sources: any edit, a checkout or an
upgrade recompiles what it may have touched, and nothing else is ever stale.

install() must run before the first @njit(cache=True) of the package is defined
(numba picks a kernel's cache locator then): neuronlab/__init__ calls it first.
"""

import functools
import hashlib
from pathlib import Path

from numba.core import caching

PACKAGE = Path(__file__).resolve().parent


@functools.cache
def package_stamp() -> str:
    """sha256 over the package's .py files, by relative path and content."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _in_package(py_file: str) -> bool:
    try:
        return Path(py_file).resolve().is_relative_to(PACKAGE)
    except OSError:
        return False


def _stamped(locator: type) -> type:
    """numba's `locator` (where the cache lives), for this package's kernels
    only, with the package's stamp instead of the kernel's own file's."""

    class PackageStamped(locator):
        def get_source_stamp(self):
            return package_stamp()

        @classmethod
        def from_function(cls, py_func, py_file):
            if not _in_package(py_file):
                return None  # numba's own locators take it
            return super().from_function(py_func, py_file)

    PackageStamped.__name__ = PackageStamped.__qualname__ = f"Package{locator.__name__}"
    return PackageStamped


# The places numba itself would use, in its order: NUMBA_CACHE_DIR, the source
# tree's __pycache__, then a per-user folder (a read-only install).
LOCATORS = tuple(
    _stamped(locator)
    for locator in (
        caching.UserProvidedCacheLocator,
        caching.InTreeCacheLocator,
        caching.UserWideCacheLocator,
    )
)


def install() -> None:
    """Put the stamped locators first (once per process)."""
    classes = caching.CacheImpl._locator_classes
    if classes[: len(LOCATORS)] != list(LOCATORS):
        classes[:0] = LOCATORS
