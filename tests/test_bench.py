import os
import subprocess
import sys

from conftest import ROOT


def test_benchmark_smoke_prints_the_table(tmp_path):
    backends = ["sqlite", "postgis"] if os.environ.get("CONFLICTMAP_TEST_PG") else ["sqlite"]
    args = [
        sys.executable,
        str(ROOT / "bench" / "run.py"),
        "--sizes",
        "2000",
        "--backends",
        *backends,
    ]
    if os.environ.get("CONFLICTMAP_TEST_PG"):
        args += ["--pg", os.environ["CONFLICTMAP_TEST_PG"]]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "| backend" in done.stdout and "all unchanged" in done.stdout
    assert done.stdout.count("| 2,000 ") == len(backends)
