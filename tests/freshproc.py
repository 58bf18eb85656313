"""Running a snippet in a fresh interpreter: what a new process imports, compiles and caches."""

from __future__ import annotations

import subprocess
import sys


def fresh_python(code: str, timeout: int = 120, **kwargs) -> str:
    """The standard output of ``code`` run by a new ``python -c``; a non-zero exit fails the test."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, **kwargs)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout
