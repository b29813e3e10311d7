"""Regenerate the generated parts of the docs: the ODD's parameter table.

Run after changing ``simulation/parameters.py``:
``python docs/update_tables.py``. A test fails when the ODD is stale.
"""

from __future__ import annotations

import re
from pathlib import Path

from simulation.parameters import markdown_table

ODD = Path(__file__).resolve().parent / "ODD.md"
START = "<!-- parameter table: generated, do not edit by hand -->"
END = "<!-- end of parameter table -->"


def main() -> None:
    text = ODD.read_text()
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    replacement = f"{START}\n{markdown_table()}{END}"
    if "PARAMETER_TABLE" in text:
        text = text.replace(f"{START}\nPARAMETER_TABLE\n{END}", replacement)
    else:
        text = pattern.sub(lambda _: replacement, text)
    ODD.write_text(text)


if __name__ == "__main__":
    main()
