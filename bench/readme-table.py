#!/usr/bin/env python3
"""Puts standard input between the `<!-- NAME-table -->` and `<!-- /NAME-table -->` markers of a README.

Usage: readme-table.py README NAME < table. The benchmarks write their latest table this way (README=1).
"""
import re
import sys

path, name = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
block = f"<!-- {name}-table -->\n" + sys.stdin.read().rstrip("\n") + f"\n<!-- /{name}-table -->"
new, count = re.subn(rf"<!-- {name}-table -->.*?<!-- /{name}-table -->", lambda m: block, text, flags=re.S)
if count != 1:
    sys.exit(f"{path} has no {name}-table markers")
open(path, "w", encoding="utf-8").write(new)
