"""A command whose reader goes away (`cscperf audit list | head`) stops quietly with the shell's code for a
closed pipe, 141, not with "Error: a file could not be used: Broken pipe"."""

from __future__ import annotations

import pytest
import typer

from cscperf.cli.explained import explained


def test_a_closed_pipe_ends_the_command_quietly(capsys: pytest.CaptureFixture[str]) -> None:
    @explained
    def printing() -> None:
        raise BrokenPipeError(32, "Broken pipe")

    with pytest.raises(typer.Exit) as stopped:
        printing()
    assert stopped.value.exit_code == 141
    assert "Broken pipe" not in capsys.readouterr().err


def test_another_os_error_is_still_explained(capsys: pytest.CaptureFixture[str]) -> None:
    @explained
    def writing() -> None:
        raise PermissionError(13, "Permission denied", "report.pdf")

    with pytest.raises(typer.Exit) as stopped:
        writing()
    assert stopped.value.exit_code == 1
    assert "report.pdf could not be used: Permission denied" in " ".join(capsys.readouterr().err.split())
