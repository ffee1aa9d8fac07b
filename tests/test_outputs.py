"""Every writing command's outputs (issue 13): checked before any reading, one overwrite rule
(--force), clashes refused, disk-full and permission errors naming the file, no temporary
name in a message, nothing partial left behind."""
import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from promo_workbook.cli import cli

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
TODAY = "2026-03-20"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def plan(tmp_path):
    src = tmp_path / "plan.xlsx"
    shutil.copyfile(SAMPLES / "mistakes-en.xlsx", src)
    return src


def one_line_error(result, *words):
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1 and lines[0].startswith("promo-workbook: error: "), result.output
    for word in words:
        assert word in lines[0], lines[0]
    assert ".~" not in lines[0]  # no temporary name


def never_read(monkeypatch):
    """Fail the test if the workbook is read: the outputs must be refused before that."""
    import promo_workbook.reader as reader

    def refuse(*a, **k):
        raise AssertionError("the workbook was read before the outputs were checked")
    monkeypatch.setattr(reader, "read", refuse)


def test_summary_and_annotate_onto_one_file_is_refused_before_reading(plan, tmp_path, monkeypatch):
    never_read(monkeypatch)
    out = tmp_path / "both.xlsx"
    one_line_error(run("check", plan, "--summary", out, "--annotate", out), str(out), "--summary and --annotate")
    assert not out.exists()


@pytest.mark.parametrize("command", [
    ["check", "{plan}", "--summary", "{out}"],
    ["check", "{plan}", "--annotate", "{out}"],
    ["summary", "{plan}", "-o", "{out}"],
    ["export", "{plan}", "--out", "{json}"],
    ["rollup", "{plan}", "-o", "{out}"],
])
def test_an_existing_output_needs_force_on_every_command(plan, tmp_path, monkeypatch, command):
    out, js = tmp_path / "out.xlsx", tmp_path / "out.json"
    out.write_bytes(b"keep me")
    js.write_bytes(b"keep me")
    args = [a.format(plan=plan, out=out, json=js) for a in command]
    with monkeypatch.context() as m:
        never_read(m)
        one_line_error(run(*args), "already exists; use --force")
    assert out.read_bytes() == b"keep me" and js.read_bytes() == b"keep me"
    done = run(*args, "--force", "--today", TODAY) if command[0] != "export" else run(*args, "--force")
    assert done.exit_code in (0, 1), done.output
    assert (js if command[0] == "export" else out).read_bytes() != b"keep me"


def test_a_missing_output_folder_is_found_before_the_check_prints(plan, tmp_path, monkeypatch):
    never_read(monkeypatch)
    out = tmp_path / "no-such-folder" / "s.xlsx"
    one_line_error(run("check", plan, "--summary", out), "does not exist")


def test_an_unwritable_output_folder_is_found_before_reading(plan, tmp_path, monkeypatch):
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    never_read(monkeypatch)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        one_line_error(run("check", plan, "--annotate", locked / "a.xlsx"), "permission denied")
    finally:
        locked.chmod(0o700)


def test_csv_export_refuses_existing_files_and_force_replaces_them(plan, tmp_path):
    folder = tmp_path / "csv"
    assert run("export", plan, "--format", "csv", "--out", folder).exit_code == 0
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    (folder / "notes.txt").write_text("mine")
    one_line_error(run("export", plan, "--format", "csv", "--out", folder), "already exists; use --force")
    assert run("export", plan, "--format", "csv", "--out", folder, "--force").exit_code == 0
    after = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert after == {**before, "notes.txt": b"mine"}  # the user's own file stays
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~")]


def test_batch_folders_follow_the_same_rule(plan, tmp_path):
    second = tmp_path / "other.xlsx"
    shutil.copyfile(plan, second)
    sums = tmp_path / "sums"
    first = run("check", plan, second, "--summary", sums, "--jobs", "1", "--today", TODAY)
    assert first.exit_code == 1, first.output
    again = run("check", plan, second, "--summary", sums, "--jobs", "1")
    one_line_error(again, "already exists; use --force")
    assert run("check", plan, second, "--summary", sums, "--jobs", "1", "--force").exit_code == 1


def enospc_on_write(monkeypatch, module):
    """Every write to a file fails as a full disk does."""
    real = os.write

    def full(fd, data):
        if fd > 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, data)
    monkeypatch.setattr(os, "write", full)
    import io
    real_open = io.open

    def opener(file, mode="r", *args, **kwargs):
        handle = real_open(file, mode, *args, **kwargs)
        if "w" in mode and not isinstance(file, int):
            def write(*_a, **_k):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(file))
            try:
                handle.write = write
            except AttributeError:
                handle.close()
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(file)) from None
        return handle
    monkeypatch.setattr("builtins.open", opener)
    monkeypatch.setattr("io.open", opener)


@pytest.mark.parametrize("command", [
    ["check", "{plan}", "--summary", "{dir}/s.xlsx"],
    ["check", "{plan}", "--annotate", "{dir}/a.xlsx"],
    ["export", "{plan}", "--out", "{dir}/p.json"],
    ["export", "{plan}", "--format", "csv", "--out", "{dir}/csv"],
    ["new", "{dir}/n.xlsx"],
])
def test_disk_full_names_the_output_and_leaves_nothing(plan, tmp_path, monkeypatch, command):
    out = tmp_path / "out"
    out.mkdir()
    args = [a.format(plan=plan, dir=out) for a in command] + (["--today", TODAY] if command[0] == "check" else [])
    import promo_workbook.reader as reader
    from promo_workbook.reader import read as real_read

    def read_then_fill(*a, **k):  # the disk fills up after the reading
        plan_read = real_read(*a, **k)
        enospc_on_write(monkeypatch, None)
        return plan_read
    monkeypatch.setattr(reader, "read", read_then_fill)
    if command[0] == "new":
        enospc_on_write(monkeypatch, None)
    result = CliRunner().invoke(cli, args)
    monkeypatch.undo()
    lines = [line for line in result.output.splitlines() if line.startswith("promo-workbook:")]
    assert result.exit_code == 2 and len(lines) == 1, result.output
    assert "no space left on device" in lines[0] and str(out) in lines[0] and ".~" not in lines[0], lines[0]
    assert list(out.iterdir()) == []  # nothing partial, no temporary


def test_check_max_findings_in_json_counts_what_was_left_out(tmp_path):
    full = json.loads(run("check", SAMPLES / "mistakes-en.xlsx", "--format", "json", "--today", TODAY).output)
    cut = json.loads(run("check", SAMPLES / "mistakes-en.xlsx", "--format", "json", "--today", TODAY,
                         "--max-findings", "3").output)
    assert cut["findings"] == full["findings"][:3]
    assert cut["stats"]["omitted"] == len(full["findings"]) - 3 and cut["stats"]["errors"] == full["stats"]["errors"]
    assert "omitted" not in full["stats"]


def test_a_watchdog_ends_a_stuck_command_within_its_budget(tmp_path):
    """A native call that never returns (simulated: the values reader sleeping) cannot be
    interrupted; the command still ends at max_seconds + a moment, one line, exit 2."""
    config = tmp_path / "c.toml"
    config.write_text("[limits]\nmax_seconds = 2\n", encoding="utf-8")
    out = tmp_path / "s.xlsx"
    script = (
        "import sys, time, promo_workbook.checker\n"
        "sys.modules['promo_workbook.checker'].check_plan = lambda *a, **k: time.sleep(60)\n"
        "from promo_workbook.cli import main\n"
        f"main(['check', {str(SAMPLES / 'consistent-en.xlsx')!r}, '--config', {str(config)!r}, "
        f"'--summary', {str(out)!r}])\n")
    import time
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    took = time.monotonic() - started
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "check stopped after 2 s while checking rules" in done.stderr, done.stderr
    assert took < 2 + 1 + 3  # max_seconds + a second, and the interpreter's start (slow on a busy machine)
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".~")]


def test_max_seconds_bounds_the_rules_too(monkeypatch, tmp_path):
    """A slow rule: the command stops at the next rule, naming the phase, well before the watchdog."""
    import time

    from promo_workbook.checker import registry

    config = tmp_path / "c.toml"
    config.write_text("[limits]\nmax_seconds = 3\n", encoding="utf-8")
    rules = registry.all_rules()
    slow = type(rules[0])
    real = slow.run

    def run_slowly(self, view, cfg):
        time.sleep(3.2)
        return real(self, view, cfg)
    monkeypatch.setattr(slow, "run", run_slowly)
    result = run("check", SAMPLES / "consistent-en.xlsx", "--config", config)
    one_line_error(result, "consistent-en.xlsx: check stopped after 3 s while checking rules", "max_seconds")


@pytest.fixture
def wordy(tmp_path):
    """The consistent plan with 'about fifty thousand' as the impressions of rows 5-54 and a
    5,000-character text as one day's channel."""
    import openpyxl

    wb = openpyxl.load_workbook(SAMPLES / "consistent-en.xlsx")
    ws = wb["Daily Metrics"]
    for row in range(5, 55):
        ws.cell(row, 3).value = "about fifty thousand"
    ws["B60"].value = "Douyin " + "x" * 5000
    src = tmp_path / "wordy.xlsx"
    wb.save(src)
    return src


def test_text_report_folds_identical_findings_on_consecutive_rows(wordy):
    text = run("check", wordy, "--today", TODAY).output
    report = json.loads(run("check", wordy, "--today", TODAY, "--format", "json").output)
    v061 = [f for f in report["findings"] if f["code"] == "V061" and f["cell"].startswith("C")]
    assert len(v061) == 50  # JSON: one finding per cell
    (line,) = [ln for ln in text.splitlines() if "V061" in ln]
    assert line.startswith("  C5:C54 — 50 rows: V061 error") and "about fifty thousand" in line, line
    assert not [ln for ln in text.splitlines() if ln.startswith("  C6 ")]


def test_messages_quote_at_most_a_hundred_characters_of_a_cell(wordy):
    text = run("check", wordy, "--today", TODAY).output
    report = json.loads(run("check", wordy, "--today", TODAY, "--format", "json").output)
    long = [f for f in report["findings"] if f["cell"] == "B60"]
    assert long and all(len(f["message"]) < 400 for f in long), long
    assert "Douyin " + "x" * 93 + "… (+4,907)" in long[0]["message"]  # 100 characters, and how many more
    assert max(map(len, text.splitlines())) < 400


def test_max_findings_limits_the_text_lines_and_says_how_many_were_left(wordy):
    full = json.loads(run("check", wordy, "--today", TODAY, "--format", "json").output)
    text = run("check", wordy, "--today", TODAY, "--max-findings", "1").output
    shown = [ln for ln in text.splitlines() if ln.startswith("  ")]
    assert len(shown) == 1
    covered = 50 if "50 rows" in shown[0] else 1
    assert f"... {len(full['findings']) - covered:,} more findings not shown (--max-findings 1)" in text


@pytest.mark.parametrize("target", ["/dev/null", "/dev/full", "{tmp}/dangling"])
def test_an_output_that_is_not_a_regular_file_is_refused_even_with_force(plan, tmp_path, target):
    """A temporary renamed over /dev/full would replace the device (found while testing)."""
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    target = target.format(tmp=tmp_path)
    before = os.stat(target, follow_symlinks=False)
    one_line_error(run("export", plan, "--out", target, "--force"), "is not a regular file")
    after = os.stat(target, follow_symlinks=False)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)


def test_max_findings_in_the_batch(plan, tmp_path):
    second = tmp_path / "other.xlsx"
    shutil.copyfile(plan, second)
    lines = run("check", plan, second, "--format", "jsonl", "--max-findings", "2", "--jobs", "1").output.splitlines()
    reports = [json.loads(line) for line in lines]
    assert [len(r["findings"]) for r in reports] == [2, 2] and all(r["stats"]["omitted"] > 0 for r in reports)


def test_permission_denied_while_writing_names_the_output(plan, tmp_path, monkeypatch):
    """The folder was writable when checked, then the rename is refused (a share's rights
    changed meanwhile): the message names the output, not the temporary."""
    real = os.replace

    def refuse(src, dst, *a, **k):
        if str(dst).endswith("s.xlsx"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(src))
        return real(src, dst, *a, **k)
    monkeypatch.setattr(os, "replace", refuse)
    out = tmp_path / "s.xlsx"
    result = run("summary", plan, "-o", out, "--today", TODAY)
    one_line_error(result, f"{out}: cannot write: permission denied")
    assert [p.name for p in tmp_path.iterdir()] == [plan.name]


def test_a_full_disk_under_the_report_says_standard_output():
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "promo_workbook", "check", str(SAMPLES / "mistakes-en.xlsx"),
                               "--format", "json"], stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr == (
        "promo-workbook: error: standard output: cannot write: no space left on device\n"), done.stderr


def test_deadlines_of_commands_on_other_threads_never_leak():
    """Plans checked at once on threads (check_many on a thread pool, the web server) each run
    under their own max_seconds; one that ends first must not leave its deadline, or another's,
    as the current one (every later check in the process would stop "after 0.01 s")."""
    import threading
    import time

    from promo_workbook import deadline

    inside = threading.Barrier(3)
    go = {0.01: threading.Event(), 60: threading.Event()}

    def command(seconds):
        with deadline.running("check", "plan.xlsx", seconds):
            inside.wait(5)
            go[seconds].wait(5)

    threads = {s: threading.Thread(target=command, args=(s,)) for s in go}
    for t in threads.values():
        t.start()
    inside.wait(5)  # both commands are running
    time.sleep(0.05)
    for seconds in (0.01, 60):  # the short one ends first
        go[seconds].set()
        threads[seconds].join()
    deadline.check()  # nothing runs on this thread: a no-op, not "stopped after 0.01 s"
    deadline.phase("reading")
