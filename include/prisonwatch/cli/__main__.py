"""``python -m prisonwatch.cli``: the same as the ``prisonwatch`` command."""

import sys

from prisonwatch.cli import main

sys.exit(main())
