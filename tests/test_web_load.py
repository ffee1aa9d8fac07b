"""A load test of the planning desk: a real ``promo-workbook serve`` (uvicorn) on 127.0.0.1 with
its default worker count, 50 uploads of samples/mistakes-en.xlsx to /api/check from 10
concurrent clients. Every answer must be the CLI's findings; the latency (p50, p95) and the
throughput are printed (README, "Run it for your team"); the server process's memory after the
run stays within twice what it was after the first request."""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from web import requires_web

pytestmark = [requires_web, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "mistakes-en.xlsx"
CLIENTS = 10
UPLOADS = 50
TIMEOUT = 120.0      # seconds one request may take before the test calls it failed


def keys(report):
    return [(f["code"], f["sheet"], f["cell"], f["severity"], f["message"]) for f in report["findings"]]


def test_fifty_uploads_from_ten_clients(tmp_path):
    import httpx

    from web.server import Server

    cli = subprocess.run([sys.executable, "-m", "promo_workbook", "check", str(SAMPLE), "--format", "json",
                          "--today", "2026-03-20"], capture_output=True, text=True, cwd=ROOT)
    expected = keys(json.loads(cli.stdout))
    content = SAMPLE.read_bytes()

    def one(client):
        started = time.perf_counter()
        response = client.post("/api/check", files={"file": (SAMPLE.name, content)}, data={"today": "2026-03-20"})
        took = time.perf_counter() - started
        ok = response.status_code == 200 and keys(response.json()) == expected
        return ok, took, response.status_code

    with Server(tmp_path) as server:
        with httpx.Client(base_url=server.url, timeout=TIMEOUT) as client:
            assert one(client)[0]
        first_rss = server.rss_kb()

        results, lock = [], threading.Lock()
        todo = iter(range(UPLOADS))

        def worker():
            with httpx.Client(base_url=server.url, timeout=TIMEOUT) as client:
                while True:
                    with lock:
                        if next(todo, None) is None:
                            return
                    outcome = one(client)
                    with lock:
                        results.append(outcome)

        started = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=TIMEOUT * UPLOADS / CLIENTS)
        wall = time.perf_counter() - started
        assert not any(thread.is_alive() for thread in threads)
        after_rss = server.rss_kb()
    logged = server.read_log().count("POST /api/check 200")  # once the server has stopped: every line is out

    assert len(results) == UPLOADS
    failures = [(status, round(took, 2)) for ok, took, status in results if not ok]
    assert not failures, failures
    times = sorted(took for _, took, _ in results)
    p50 = statistics.median(times)
    p95 = times[int(round(0.95 * len(times))) - 1]
    figure = (f"{UPLOADS} uploads of {SAMPLE.name} from {CLIENTS} clients: p50 {p50:.2f} s, p95 {p95:.2f} s, "
              f"{UPLOADS / wall:.1f} checks/s ({wall:.1f} s in all); server RSS {first_rss / 1024:.0f} MB after "
              f"the first request, {after_rss / 1024:.0f} MB after the run")
    print("\n" + figure)
    (tmp_path / "load.txt").write_text(figure + "\n", encoding="utf-8")
    assert logged == UPLOADS + 1  # the log holds one line per request
    assert after_rss <= 2 * first_rss, figure
