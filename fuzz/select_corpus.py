#!/usr/bin/env python3
"""Chooses the committed corpus (testdata/fuzz-corpus/<target>/): a few dozen of the most
coverage-rich inputs of fuzz/corpus/<target>/, greedily, each pick adding the most libFuzzer
features not yet covered, among files no larger than --max-size.

Per-file features come from a libFuzzer merge control file, which this script makes by running the
target's binary (built by `cargo fuzz build -s none`) with -merge=1 into a scratch folder.

Usage: fuzz/select_corpus.py [--count 64] [--max-size 65536] [--budget 400000] TARGET...
Replaces testdata/fuzz-corpus/TARGET/ with the chosen files (named by SHA-1) and prints a summary.
"""
import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def features(target):
    binary = os.path.join(HERE, "target", "x86_64-unknown-linux-gnu", "release", target)
    corpus = os.path.join(HERE, "corpus", target)
    with tempfile.TemporaryDirectory() as scratch:
        out = os.path.join(scratch, "out")
        os.mkdir(out)
        control = os.path.join(scratch, "control")
        subprocess.run(
            [binary, "-merge=1", f"-merge_control_file={control}", "-timeout=30", out, corpus],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        with open(control) as f:
            lines = f.read().splitlines()
    n = int(lines[0])
    paths = lines[2:2 + n]
    feats = {}
    for line in lines[2 + n:]:
        parts = line.split()
        if parts and parts[0] == "FT":
            feats[paths[int(parts[1])]] = set(map(int, parts[2:]))
    return feats


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=64)
    ap.add_argument("--max-size", type=int, default=64 * 1024)
    ap.add_argument("--budget", type=int, default=400_000, help="total bytes per target")
    ap.add_argument("targets", nargs="+")
    args = ap.parse_args()
    for target in args.targets:
        feats = features(target)
        total = set().union(*feats.values()) if feats else set()
        candidates = {p: f for p, f in feats.items() if os.path.getsize(p) <= args.max_size}
        covered, chosen, size = set(), [], 0
        while len(chosen) < args.count and candidates:
            best = max(candidates, key=lambda p: (len(candidates[p] - covered), -os.path.getsize(p)))
            gain = len(candidates[best] - covered)
            if gain == 0 or size + os.path.getsize(best) > args.budget:
                break
            chosen.append(best)
            covered |= candidates.pop(best)
            size += os.path.getsize(best)
        dest = os.path.join(REPO, "testdata", "fuzz-corpus", target)
        shutil.rmtree(dest, ignore_errors=True)
        os.makedirs(dest)
        for p in chosen:
            with open(p, "rb") as f:
                data = f.read()
            with open(os.path.join(dest, hashlib.sha1(data).hexdigest()), "wb") as f:
                f.write(data)
        print(f"{target}: {len(chosen)} files, {size} bytes, {len(covered)} of {len(total)} features "
              f"of the {len(feats)}-file corpus")
    return 0


if __name__ == "__main__":
    sys.exit(main())
