"""Arguments the demo commands share."""

import datetime as dt

from rianru.demo.services import DEFAULT_SEED


def add_generation_arguments(parser) -> None:
    """--seed, --today and --data-dir: what makes a generated catalogue repeatable."""
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    parser.add_argument(
        "--today", type=dt.date.fromisoformat, help="date the sessions are counted from (YYYY-MM-DD)"
    )
    parser.add_argument("--data-dir", help="folder with the demo data (default: RIANRU_DEMO_DIR)")
