"""Allow ``python -m tvs_classifier``."""

from .cli import main

raise SystemExit(main())
