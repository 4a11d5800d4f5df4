"""The README's command list names every `idgraph` command, and only those."""
from __future__ import annotations

from pathlib import Path

import click

from service.cli import main

README = Path(__file__).resolve().parents[2] / "README.md"


def cli_commands(group: click.Group = main, prefix: str = "") -> set[str]:
    found = set()
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found |= cli_commands(command, f"{prefix}{name} ")
        else:
            found.add(f"{prefix}{name}")
    return found


def readme_commands(groups: set[str]) -> set[str]:
    """'idgraph db start|stop|status  # ...' -> db start, db stop, db status; a group takes two words."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("\n## Command line\n"):]
    block = section.split("```")[1]
    found = set()
    for line in block.splitlines():
        words = line.split("#")[0].split()
        if len(words) < 2 or words[0] != "idgraph":
            continue
        for first in words[1].split("|"):
            subs = words[2].split("|") if first in groups and len(words) > 2 else [""]
            found |= {f"{first} {sub}".strip() for sub in subs}
    return found


def test_the_readme_lists_every_command_and_no_other():
    commands = cli_commands()
    documented = readme_commands({c.split(" ")[0] for c in commands if " " in c})
    assert commands - documented == set(), "commands missing from the README's command list"
    assert documented - commands == set(), "README lines for commands idgraph does not have"
