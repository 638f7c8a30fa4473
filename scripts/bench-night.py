#!/usr/bin/env python3
"""One night of the generated fleet for the history benchmarks (bench-history.sh,
bench-evidence.sh): every snapshot collected again at STAMP, and about 2% of the assets
(chosen by the night's number, so runs repeat) with display_errors flipped in php.

    python3 scripts/bench-night.py FLEET NIGHT STAMP
"""
import os
import random
import re
import sys

fleet, night, stamp = sys.argv[1], int(sys.argv[2]), sys.argv[3]
assets = sorted(os.listdir(fleet))
rng = random.Random(night)
changed = set(rng.sample(assets, max(1, len(assets) // 50))) if night > 1 else set()
for a in assets:
    for kind in ("php", "nginx", "hosting"):
        p = os.path.join(fleet, a, kind + ".json")
        if not os.path.exists(p):
            continue
        b = open(p, "rb").read()
        b = re.sub(rb'"collected_at":"[^"]*"', b'"collected_at":"' + stamp.encode() + b'"', b, count=1)
        if kind == "php" and a in changed:
            b = b.replace(b'"display_errors":"Off"', b'"display_errors":"@@"').replace(b'"display_errors":"On"', b'"display_errors":"Off"').replace(b'"display_errors":"@@"', b'"display_errors":"On"')
        open(p, "wb").write(b)
