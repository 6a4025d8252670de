"""Import sbpy without its start-up noise (private).

sbpy 0.6 imports astropy's deprecated ``TestRunner`` for its own test set-up, and astropy
logs a deprecation warning about it on every first import. The warning concerns sbpy's
test machinery, not anything our users do, so only that message is filtered.

Examples
--------
>>> import sbpy_filter_transform._sbpy_import
>>> import sys
>>> "sbpy" in sys.modules
True
"""

import warnings

from astropy.utils.exceptions import AstropyDeprecationWarning

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "The TestRunner", AstropyDeprecationWarning)
    import sbpy  # noqa: F401

__all__: list[str] = []
