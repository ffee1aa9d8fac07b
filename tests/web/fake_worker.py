"""A stand-in for ``python -m promo_workbook.web.worker`` that misbehaves on purpose:

    python tests/web/fake_worker.py sleep   answers nothing (the pool's timeout must kill it)
    python tests/web/fake_worker.py die     exits as soon as a job arrives (a crash)
    python tests/web/fake_worker.py echo    answers every job with its own arguments
"""
import json
import os
import sys
import time


def main(mode: str) -> None:
    sys.stdout.write('{"ready": true}\n')
    sys.stdout.flush()
    for line in sys.stdin:
        request = json.loads(line)
        if mode == "sleep":
            time.sleep(120)
        elif mode == "die":
            os._exit(3)
        answer = {"ok": True, "result": {"pid": os.getpid(), "args": request["args"]}}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1])
