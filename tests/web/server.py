"""A real ``promo-workbook serve`` (uvicorn) on 127.0.0.1 and a free port, for the browser and
load tests: started and stopped by the test itself, waited for with a bounded loop."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``with Server(tmp_path, keep_minutes=5) as server: server.url``"""

    def __init__(self, folder: Path, **web):
        self.folder = Path(folder)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.web = {"work_dir": str(self.folder / "work"), **web}
        self.log = self.folder / "server.log"
        self.proc = None

    def __enter__(self) -> Server:
        config = self.folder / "desk.toml"
        lines = ["[web]"] + [f"{key} = {_toml(value)}" for key, value in self.web.items()]
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k != "PROMO_WORKBOOK_CONFIG"}
        self._log = open(self.log, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "promo_workbook", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--config", str(config)], cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}:\n{self.read_log(5000)}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError(f"the server did not answer /healthz within 60 s:\n{self.read_log(5000)}")

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self._log.close()

    def rss_kb(self) -> int:
        """Resident memory of the server process (not its check workers), in KB."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def read_log(self, tail: int | None = None) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
            return text[-tail:] if tail else text
        except OSError:
            return ""


def _toml(value) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)
