"""``python -m prisonwatch.evaluation``: the whole measure (see :mod:`prisonwatch.evaluation.fixtures`)."""

from prisonwatch.evaluation.fixtures import main

raise SystemExit(main())
