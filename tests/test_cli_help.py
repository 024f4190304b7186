"""Every subcommand's --help says what the command does and what its exit status means."""

from __future__ import annotations

import pytest

from techdigest.cli import main


@pytest.mark.parametrize("command", ["import", "build", "check", "serve", "feedback", "deploy"])
def test_each_command_explains_itself_and_its_exit_status(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    usage, description, *_ = text.split("\n\n")
    assert usage.startswith(f"usage: techdigest {command}") and len(description.split()) >= 8
    (status,) = [line for line in text.splitlines() if line.startswith("exit status: 0: ")]
    assert "; 1: " in status or command == "feedback"
    assert status.endswith("; 2: a wrong option; 130: interrupted")
