"""Runs Rong's ONNX importer over every ONNX backend node test.

Each node test's model is written to a temporary file and imported with
`rongc --emit=rong`. A model either imports (and verifies), or fails with a
clean error; anything else (a signal, an assertion, an LLVM fatal error, a
missing diagnostic) is a crash. The report counts each outcome and, for the
failures, which op types were unsupported and which other reasons were given.

Usage: python3 test/python/onnx_node_coverage.py [--build DIR] [--markdown]
"""

import argparse
import collections
import concurrent.futures
import os
import pathlib
import re
import subprocess
import sys
import tempfile

UNSUPPORTED_OP = re.compile(r"node '.*?' \((?P<op>[^)]+)\): unsupported op")
ELEMENT_TYPE = re.compile(r"element type (?P<type>[A-Z0-9_]+), which Rong does not support")
OPSET = re.compile(r"model uses ONNX opset (?P<opset>\d+)")
CRASH_MARKERS = ("Stack dump", "LLVM ERROR", "Assertion", "Segmentation", "terminate called")


def load_cases():
    import onnx.backend.test.loader as loader
    import onnx

    cases = []
    for test in loader.load_model_tests(kind="node"):
        model = test.model
        if model is None and test.model_dir:
            model = onnx.load(os.path.join(test.model_dir, "model.onnx"))
        cases.append((test.name, model))
    return cases


def run_one(rongc, directory, name, model):
    path = os.path.join(directory, name + ".onnx")
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    done = subprocess.run([rongc, path, "--emit=rong", "-o", os.devnull],
                          capture_output=True, text=True, check=False)
    return name, done.returncode, done.stderr


def classify(returncode, stderr):
    """Returns (outcome, reasons) for one import."""
    if returncode == 0:
        return "imported", []
    crashed = returncode != 1 or any(m in stderr for m in CRASH_MARKERS) \
        or "error:" not in stderr
    if crashed:
        return "crashed", [stderr.strip().splitlines()[-1] if stderr.strip() else
                           f"exit code {returncode}"]
    ops = UNSUPPORTED_OP.findall(stderr)
    if ops:
        return "unsupported", sorted(set(ops))
    if m := ELEMENT_TYPE.search(stderr):
        return "unsupported", [f"element type {m.group('type')}"]
    if m := OPSET.search(stderr):
        return "unsupported", [f"opset {m.group('opset')}"]
    first = stderr.strip().splitlines()[0]
    return "rejected", [re.sub(r"^.*?error: (node '.*?' )?", "", first)]


def sweep(rongc, jobs=None):
    cases = load_cases()
    results = {}
    with tempfile.TemporaryDirectory() as directory:
        with concurrent.futures.ThreadPoolExecutor(jobs or os.cpu_count()) as pool:
            futures = [pool.submit(run_one, rongc, directory, n, m) for n, m in cases]
            for future in concurrent.futures.as_completed(futures):
                name, code, stderr = future.result()
                results[name] = classify(code, stderr)
    return results


def summarize(results):
    counts = collections.Counter(outcome for outcome, _ in results.values())
    unsupported = collections.Counter()
    rejected = collections.Counter()
    for outcome, reasons in results.values():
        if outcome == "unsupported":
            unsupported.update(reasons)
        elif outcome == "rejected":
            rejected.update(reasons)
    return counts, unsupported, rejected


def report(results, markdown=False):
    counts, unsupported, rejected = summarize(results)
    total = len(results)
    lines = []
    if markdown:
        lines += [f"| outcome | tests |", "| --- | ---: |"]
        for key in ("imported", "unsupported", "rejected", "crashed"):
            lines.append(f"| {key} | {counts[key]} |")
        lines.append(f"| total | {total} |")
        lines += ["", "Unsupported op types and element types, by the number of node "
                  "tests that need them:", "", "| what | tests |", "| --- | ---: |"]
        lines += [f"| {op} | {n} |" for op, n in unsupported.most_common()]
        lines += ["", "Other clean rejections:", "", "| reason | tests |", "| --- | ---: |"]
        lines += [f"| {r} | {n} |" for r, n in rejected.most_common()]
    else:
        lines.append(f"ONNX node tests: {counts['imported']} imported, "
                     f"{counts['unsupported']} unsupported, {counts['rejected']} "
                     f"rejected, {counts['crashed']} crashed, of {total}")
        for name, (outcome, reasons) in sorted(results.items()):
            if outcome == "crashed":
                lines.append(f"  CRASH {name}: {reasons[0]}")
        lines.append("most needed unsupported: " + ", ".join(
            f"{op} ({n})" for op, n in unsupported.most_common(15)))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = pathlib.Path(__file__).resolve().parents[2]
    parser.add_argument("--build", default=os.environ.get("RONG_BUILD_DIR", root / "build"))
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    results = sweep(str(pathlib.Path(args.build) / "bin" / "rongc"))
    print(report(results, markdown=args.markdown))
    return 1 if any(o == "crashed" for o, _ in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
