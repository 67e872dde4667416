"""Writes each fusion group of a fused module as a function of its own.

    extract_groups.py FUSED.mlir --kinds loop,horizontal [-o OUT.mlir]

Reads the output of `rongc --emit=fused` and writes one `func.func
@group_<i>_<kind>` per `rong.fusion` whose kind is listed, taking the group's
operands as arguments and returning its results, so that a kernel generator
can be run on the groups of a real model without the groups it does not
lower (contractions). Groups are self-contained (their bodies only use their
block arguments), so each body is copied verbatim.
"""

import argparse
import re
import sys

HEADER = re.compile(
    r'^(?P<indent>\s*)(?P<results>%[\w]+(?::\d+)?) = rong\.fusion '
    r'kind = "(?P<kind>\w+)" \((?P<operands>[^)]*)\) : '
    r'\((?P<types>[^)]*)\) -> (?P<rtypes>.+) \{$')


def split_types(text):
    """Splits a comma-separated list of types, commas inside <> kept."""
    types, depth, current = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            types.append(current.strip())
            current = ""
            continue
        depth += ch == "<"
        depth -= ch == ">"
        current += ch
    if current.strip():
        types.append(current.strip())
    return types


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("--kinds", required=True)
    parser.add_argument("-o", "--output", default="-")
    args = parser.parse_args()
    kinds = set(args.kinds.split(","))
    lines = open(args.input).read().split("\n")

    funcs = []
    i = 0
    while i < len(lines):
        match = HEADER.match(lines[i])
        if not match:
            i += 1
            continue
        indent = match["indent"]
        end = i + 1
        while lines[end] != indent + "}":
            end += 1
        if match["kind"] in kinds:
            types = split_types(match["types"])
            rtypes = match["rtypes"]
            if rtypes.startswith("("):
                rtypes = rtypes[1:-1]
            results = split_types(rtypes)
            params = ", ".join(f"%in{k}: {t}" for k, t in enumerate(types))
            operands = ", ".join(f"%in{k}" for k in range(len(types)))
            name = f"group_{len(funcs)}_{match['kind']}"
            count = f":{len(results)}" if len(results) > 1 else ""
            returned = (", ".join(f"%r#{k}" for k in range(len(results)))
                        if len(results) > 1 else "%r")
            body = "\n".join(lines[i + 1:end])
            funcs.append(
                f"func.func @{name}({params}) -> ({', '.join(results)}) {{\n"
                f"  %r{count} = rong.fusion kind = \"{match['kind']}\" "
                f"({operands}) : ({match['types']}) -> {match['rtypes']} {{\n"
                f"{body}\n  }}\n  return {returned} : {', '.join(results)}\n}}")
        i = end + 1

    text = "module {\n" + "\n".join(funcs) + "\n}\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w") as out:
            out.write(text)


if __name__ == "__main__":
    main()
