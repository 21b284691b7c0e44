"""Allow ``python -m kiosk`` as well as the ``kiosk`` console script."""

from kiosk.cli import main

raise SystemExit(main())
