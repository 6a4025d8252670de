"""Allow ``python -m sbpy_phasefit``."""

from .cli import main

raise SystemExit(main())
