"""Allow ``python -m sbpy_filter_transform``."""

from .cli import main

raise SystemExit(main())
