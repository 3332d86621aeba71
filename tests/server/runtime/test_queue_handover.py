"""The operator is told when the kernel would reset the connections queued on a retiring worker."""

from __future__ import annotations

from pathlib import Path

from server.wsgi import queue_handover_warning


def test_several_workers_and_no_migration_get_the_sysctl_to_set(tmp_path: Path) -> None:
    sysctl = tmp_path / "tcp_migrate_req"
    sysctl.write_text("0\n")
    warning = queue_handover_warning(2, sysctl)
    assert warning is not None and "sysctl -w net.ipv4.tcp_migrate_req=1" in warning and str(sysctl) in warning


def test_no_warning_when_connections_migrate_or_cannot_be_stranded(tmp_path: Path) -> None:
    sysctl = tmp_path / "tcp_migrate_req"
    sysctl.write_text("1\n")
    assert queue_handover_warning(2, sysctl) is None
    sysctl.write_text("0\n")
    assert queue_handover_warning(1, sysctl) is None  # one worker: the main process holds the socket
    assert queue_handover_warning(4, tmp_path / "absent") is None  # not Linux ≥ 5.14: nothing known to advise
