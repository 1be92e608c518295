"""A damaged batch result store (a damaged page, a row that is not JSON) is reported with how
to rebuild it, and never used: its rows would otherwise become results."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from mtqa.batch.store import DamagedStore, ResultStore
from mtqa.cli import main

RECORD = json.dumps({"risk": 0.5, "verdict": "review", "padding": "x" * 400})


def filled_store(path: Path, rows: int = 2000) -> list[str]:
    keys = [f"{n:064x}" for n in range(rows)]
    with ResultStore(path) as store:
        store.put_many([(key, RECORD) for key in keys], "signature")
    return keys


def test_a_row_that_is_not_json_is_reported_not_used(tmp_path: Path) -> None:
    path = tmp_path / "results.sqlite"
    keys = filled_store(path, rows=10)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE results SET record = ? WHERE key = ?", ('{"risk": 0.5, "verd', keys[3]))
    with ResultStore(path) as store:
        assert store.get_many(keys[:3]) == {key: RECORD for key in keys[:3]}
        with pytest.raises(DamagedStore, match=r"results.sqlite: result store is damaged \(the record of key "
                                               r"000000000000\.\.\. is not a JSON object\); run again with "
                                               r"--rebuild-store"):
            store.get_many(keys)


def _damage_a_page(path: Path, page: int = 5) -> None:
    size = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
    with path.open("r+b") as handle:
        handle.seek(size * (page - 1))
        handle.write(b"\xde\xad\xbe\xef" * 64)


def test_a_damaged_page_is_found_when_the_store_is_opened(tmp_path: Path) -> None:
    path = tmp_path / "results.sqlite"
    filled_store(path)
    _damage_a_page(path)
    with pytest.raises(DamagedStore, match=r"result store is damaged \(.* while opening it\); run again with "
                                           "--rebuild-store"):
        ResultStore(path)


def test_rebuilding_sets_the_damaged_store_aside_and_starts_empty(tmp_path: Path) -> None:
    path = tmp_path / "results.sqlite"
    keys = filled_store(path)
    _damage_a_page(path)
    damaged = path.read_bytes()
    with ResultStore(path, rebuild=True) as store:
        assert store.set_aside is not None and store.set_aside.read_bytes() == damaged
        assert len(store) == 0 and store.get_many(keys) == {}
        store.put_many([(keys[0], RECORD)], "signature")
        assert store.get_many(keys[:1]) == {keys[0]: RECORD}


def test_the_batch_command_stops_on_a_damaged_store_and_rebuilds_it_when_asked(tmp_path, checks_only, capsys) -> None:
    table = tmp_path / "rows.tsv"
    table.write_text("id\tsource\ttarget\n1\tHello.\tHallo.\n2\tThank you.\tDanke.\n", "utf-8")
    config = checks_only
    out = tmp_path / "out"
    args = ["batch", str(table), "--out", str(out), "--config", str(config), "--no-progress", "--fail-on", "never"]
    assert main(args) == 0
    capsys.readouterr()
    report = (out / "segments.csv").read_bytes()
    store = out / "results.sqlite"
    with sqlite3.connect(store) as connection:
        connection.execute("UPDATE results SET record = 'not json'")
    damaged = store.read_bytes()

    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"mtqa: error: {store}: result store is damaged") and err.count("\n") == 1
    assert "--rebuild-store" in err and "Traceback" not in err
    assert (out / "segments.csv").read_bytes() == report and store.read_bytes() == damaged

    assert main([*args, "--rebuild-store"]) == 0
    err = capsys.readouterr().err
    assert f"mtqa: warning: {store}: the old result store was set aside as {store}.damaged-" in err
    assert "2 scored, 0 from the store" in err
    (aside,) = (p for p in out.glob("results.sqlite.damaged-*") if not p.name.endswith(("-wal", "-shm")))
    assert aside.read_bytes() == damaged
