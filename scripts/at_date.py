"""Run a manage.py command as if today were another day, to try dated work in the demo.

    python scripts/at_date.py 2027-07-15 runserver --noreload 127.0.0.1:8000

The clock starts at 09:00 London time on that day and runs on from there. For the demo and
trying things only: it uses time-machine, a development dependency, and production never runs it.
"""

import datetime
import os
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine

if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    day = datetime.date.fromisoformat(sys.argv[1])
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sipportal.settings")
    from django.core.management import execute_from_command_line

    start = datetime.datetime.combine(day, datetime.time(9), tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(start, tick=True):
        execute_from_command_line(["manage.py", *sys.argv[2:]])
