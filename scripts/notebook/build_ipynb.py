"""Writes tension.ipynb from its plain twin tension.py (cells split at `# %%` lines).

    python3 scripts/notebook/build_ipynb.py          # rewrite tension.ipynb
    python3 scripts/notebook/build_ipynb.py --check  # exit 1 if it is out of date

Only the standard library is used, so the check runs without the notebook's venv.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC, DST = os.path.join(HERE, "tension.py"), os.path.join(HERE, "tension.ipynb")


def cells(text):
    out = []
    for chunk in text.split("# %%")[1:]:
        head, _, body = chunk.partition("\n")
        body = body.strip("\n")
        if head.strip() == "[markdown]":
            lines = [line[2:] if line.startswith("# ") else line.lstrip("#") for line in body.splitlines()]
            out.append({"cell_type": "markdown", "metadata": {}, "source": "\n".join(lines)})
        else:
            out.append({"cell_type": "code", "execution_count": None, "metadata": {},
                        "outputs": [], "source": body})
    for c in out:  # the ipynb convention: a list of lines, each but the last ending in \n
        lines = c["source"].split("\n")
        c["source"] = [line + "\n" for line in lines[:-1]] + [lines[-1]]
    return out


def notebook():
    with open(SRC, encoding="utf-8") as f:
        nb = {"cells": cells(f.read()),
              "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                           "language_info": {"name": "python"}},
              "nbformat": 4, "nbformat_minor": 5}
    for i, c in enumerate(nb["cells"]):
        c["id"] = f"cell-{i}"
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    text = notebook()
    if "--check" in sys.argv:
        with open(DST, encoding="utf-8") as f:
            if f.read() != text:
                sys.exit(f"{DST} is out of date with tension.py: run {sys.argv[0]}")
    else:
        with open(DST, "w", encoding="utf-8") as f:
            f.write(text)
