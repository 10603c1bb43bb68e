"""The names the annotations share.

``Array`` is an array of any namespace the core runs on (NumPy, CuPy, ``array_api_strict``): those
share no static type, so it is ``Any`` to the type checker, and the shapes are in the docstrings.
``NDArray`` (NumPy's) marks the code that runs on NumPy only.
"""

from __future__ import annotations

import os
from typing import Any, TypeAlias

from numpy.typing import NDArray

Array: TypeAlias = Any
FloatArray: TypeAlias = NDArray[Any]
StrPath: TypeAlias = "str | os.PathLike[str]"  # a file or folder name, as open() takes it

__all__ = ["Array", "FloatArray", "NDArray", "StrPath"]
