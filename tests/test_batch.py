"""`promo-workbook check PATH...` on many plans (issue 16): inputs, order, records, exit codes, outputs."""
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from fixtures.handmade import build as build_handmade
from promo_workbook.batch import check_many, expand, output_names
from promo_workbook.batch.command import Progress, is_batch
from promo_workbook.batch.engine import is_own_output
from promo_workbook.cli import cli

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
PLANS = ["consistent-en.xlsx", "consistent-zh-CN.xlsx", "example-en.xlsx", "mistakes-en.xlsx", "mistakes-zh-TW.xlsx"]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The samples, a plan in a subfolder, a CSV renamed .xlsx, a lock file, a summary and an annotated copy."""
    root = tmp_path_factory.mktemp("plans")
    for name in PLANS:
        shutil.copy(SAMPLES / name, root / name)
    (root / "sub").mkdir()
    shutil.copy(SAMPLES / "consistent-zh-TW.xlsx", root / "sub" / "taipei.xlsx")
    build_handmade(root / "hand.xlsx", cover=True)  # typed by hand in the seed's layout
    (root / "broken.xlsx").write_text("campaign,budget\nSpring,100\n", encoding="utf-8")
    shutil.copy(SAMPLES / "consistent-en.xlsx", root / "~$consistent-en.xlsx")
    (root / "notes.txt").write_text("not a plan", encoding="utf-8")
    outputs = root / "sub" / "out"
    outputs.mkdir()
    assert run("summary", root / "mistakes-en.xlsx", "-o", outputs / "m-summary.xlsx").exit_code == 0
    assert run("check", root / "mistakes-en.xlsx", "--annotate", outputs / "m-checked.xlsx").exit_code == 1
    return root


def expected_files(root):
    return [str(root / n) for n in ("broken.xlsx", "consistent-en.xlsx", "consistent-zh-CN.xlsx", "example-en.xlsx",
                                    "hand.xlsx", "mistakes-en.xlsx", "mistakes-zh-TW.xlsx")] + [str(root / "sub" / "taipei.xlsx")]


def test_expand_skips_lock_files_and_own_outputs(folder):
    assert expand([folder]) == expected_files(folder)
    assert is_own_output(str(folder / "sub" / "out" / "m-summary.xlsx"))
    assert is_own_output(str(folder / "sub" / "out" / "m-checked.xlsx"))
    assert not any(is_own_output(str(SAMPLES / n)) for n in PLANS)
    # globs, and a file named twice is checked once; a file named outright is kept whatever it is
    assert expand([str(folder / "mistakes-*.xlsx"), folder / "mistakes-en.xlsx"]) == [
        str(folder / "mistakes-en.xlsx"), str(folder / "mistakes-zh-TW.xlsx")]
    assert expand([folder / "~$consistent-en.xlsx"]) == [str(folder / "~$consistent-en.xlsx")]


def test_batch_text_records_order_and_exit_code(folder):
    result = run("check", folder, "--jobs", "2")
    assert result.exit_code == 2  # one unreadable file
    out = result.stdout
    headers = [line[3:-3] for line in out.splitlines() if line.startswith("== ")]
    assert headers == expected_files(folder)
    assert "promo-workbook: error: " in out and "plain text" in out
    table = out[out.index("\nfile ") + 1:].splitlines()
    assert table[1].split()[:2] == [str(folder / "broken.xlsx"), "unreadable"]
    assert table[5].split()[:2] == [str(folder / "hand.xlsx"), "errors"]  # the seed's own inconsistencies
    assert table[6].split()[:3] == [str(folder / "mistakes-en.xlsx"), "errors", "10"]
    assert table[-1].startswith("8 files, 1 unreadable")


def test_exit_code_is_the_worst(folder):
    assert run("check", folder / "consistent-en.xlsx", folder / "sub").exit_code == 0
    assert run("check", folder / "consistent-en.xlsx", folder / "example-en.xlsx").exit_code == 0
    assert run("check", folder / "consistent-en.xlsx", folder / "example-en.xlsx", "--strict").exit_code == 1
    assert run("check", folder / "consistent-en.xlsx", folder / "mistakes-en.xlsx").exit_code == 1
    assert run("check", folder / "mistakes-en.xlsx", folder / "broken.xlsx").exit_code == 2


def test_jobs_1_and_2_give_the_same_output(folder):
    def strip_seconds(text):
        return [re.sub(r"\d+\.\d\d( s| 秒)?$", "", line) for line in text.splitlines()]

    one, two = run("check", folder, "--jobs", "1"), run("check", folder, "--jobs", "2")
    assert strip_seconds(one.stdout) == strip_seconds(two.stdout)
    j1 = run("check", folder, "--jobs", "1", "--format", "jsonl").stdout.splitlines()
    j2 = run("check", folder, "--jobs", "2", "--format", "jsonl").stdout.splitlines()
    a = [json.loads(line) for line in j1]
    b = [json.loads(line) for line in j2]
    for x in a + b:
        x.get("stats", {}).pop("seconds", None)
    assert a == b


def test_jsonl_is_the_json_schema_per_line(folder):
    lines = run("check", folder, "--format", "jsonl").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["file"] for r in records] == expected_files(folder)
    assert records[0] == {"file": str(folder / "broken.xlsx"), "error": records[0]["error"]}
    single = json.loads(run("check", folder / "mistakes-en.xlsx", "--format", "json").stdout)
    single["stats"].pop("seconds")
    records[5]["stats"].pop("seconds")
    assert records[5] == single


def test_json_with_several_files_is_one_array(folder):
    result = run("check", folder / "mistakes-en.xlsx", folder / "broken.xlsx", "--format", "json")
    data = json.loads(result.stdout)
    assert [d["file"] for d in data] == [str(folder / "mistakes-en.xlsx"), str(folder / "broken.xlsx")]
    assert data[0]["stats"]["errors"] == 10 and "error" in data[1]
    assert result.exit_code == 2


def test_one_file_keeps_the_single_file_output(folder):
    assert not is_batch([str(folder / "mistakes-en.xlsx")], "text")
    assert is_batch([str(folder)], "text") and is_batch([str(folder / "mistakes-en.xlsx")], "jsonl")
    result = run("check", folder / "mistakes-en.xlsx")
    assert result.exit_code == 1 and "== " not in result.stdout and "\nfile " not in result.stdout


def test_summary_and_annotate_take_a_folder(folder, tmp_path):
    result = run("check", folder / "consistent-en.xlsx", folder / "mistakes-en.xlsx", folder / "sub" / "taipei.xlsx",
                 "--summary", tmp_path / "summaries", "--annotate", tmp_path / "annotated")
    assert result.exit_code == 1
    assert sorted(p.name for p in (tmp_path / "summaries").iterdir()) == [
        "consistent-en-summary.xlsx", "mistakes-en-summary.xlsx", "taipei-summary.xlsx"]
    assert sorted(p.name for p in (tmp_path / "annotated").iterdir()) == [
        "consistent-en-checked.xlsx", "mistakes-en-checked.xlsx", "taipei-checked.xlsx"]
    # the outputs are recognised as the tool's own and skipped when the folder is checked again
    assert expand([tmp_path]) == []
    (tmp_path / "file.xlsx").write_bytes(b"x")
    refused = run("check", folder / "consistent-en.xlsx", folder / "mistakes-en.xlsx", "--summary", tmp_path / "file.xlsx")
    assert refused.exit_code == 2 and "give --summary a folder" in refused.output


def test_output_names_do_not_collide():
    assert output_names(["a/x.xlsx", "b/x.xlsx", "c/y.xlsm"], "out", "annotate") == [
        "out/x-checked.xlsx", "out/x-2-checked.xlsx", "out/y-checked.xlsm"]


def test_mail_options_need_one_plan(folder):
    result = run("check", folder, "--mail-to", "boss@example.com")
    assert result.exit_code == 2 and "one FILE" in result.output


def test_an_empty_folder_is_a_usage_error(tmp_path):
    result = run("check", tmp_path)
    assert result.exit_code == 2 and "no workbooks" in result.output


def test_check_many_library_api(folder):
    from concurrent.futures import ThreadPoolExecutor

    records = list(check_many([folder], jobs=2))
    assert sorted(r.index for r in records) == list(range(8))
    by_index = {r.index: r for r in records}
    assert by_index[0].report is None and "plain text" in by_index[0].error
    assert by_index[5].report.count("error") == 10 and by_index[5].report.view is None
    with ThreadPoolExecutor(2) as pool:  # any concurrent.futures.Executor
        others = {r.index: r for r in check_many([folder], executor=pool)}
    assert [others[i].counts for i in range(8)] == [by_index[i].counts for i in range(8)]


def test_progress_only_on_a_terminal():
    import io

    class Tty(io.StringIO):
        def isatty(self):
            return True

    quiet = io.StringIO()
    bar = Progress(4, quiet)
    bar.step()
    bar.clear()
    assert quiet.getvalue() == ""
    loud = Tty()
    bar = Progress(4, loud)
    bar.step()
    assert "1/4 files" in loud.getvalue() and "s left" in loud.getvalue()


@pytest.mark.slow
def test_check_many_on_a_local_dask_cluster(folder):
    """A team with archives of plans hands check_many a Dask cluster's executor (docs/batch.md)."""
    distributed = pytest.importorskip("distributed")

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            records = {r.index: r for r in check_many([folder], executor=client.get_executor())}
    local = {r.index: r for r in check_many([folder], jobs=1)}
    assert sorted(records) == sorted(local) == list(range(8))
    for i in local:
        assert records[i].file == local[i].file and records[i].counts == local[i].counts
        assert (records[i].error is None) == (local[i].error is None)


def test_check_many_through_the_package(folder):
    import promo_workbook

    records = sorted(promo_workbook.check_many([folder / "mistakes-en.xlsx", folder / "broken.xlsx"], jobs=1),
                     key=lambda r: r.index)
    assert [r.verdict for r in records] == ["errors", "unreadable"]
