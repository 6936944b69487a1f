#!/usr/bin/env python3
"""Prints the README's configuration table from the flag table in Flags.java (the source of truth)."""
import pathlib, re
root = pathlib.Path(__file__).resolve().parent.parent
src = (root / 'server/src/main/java/dev/parley/server/config/Flags.java').read_text()
rows = re.findall(r'new Flag\("([^"]+)", (null|"[^"]*"), (null|"[^"]*"), (true|false),\s*"([^"]*)"\)', src)
print("| flag | env var | default | meaning |")
print("|---|---|---|---|")
for name, arg, default, rep, text in rows:
    flag = f"`--{name}`" + ("" if arg == "null" else f" `{arg.strip(chr(34))}`")
    env = "`PARLEY_" + name.upper().replace('-', '_') + "`"
    dflt = "—" if default == "null" else f"`{default.strip(chr(34))}`"
    if rep == "true" and "repeat" not in text:
        text += " (repeatable)"
    print(f"| {flag} | {env} | {dflt} | {text} |")
