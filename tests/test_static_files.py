"""``templates/`` and ``locales/`` are read, ``templates/static/`` is copied into the site: only regular files
inside the project, never what a link points to outside it (``/etc/passwd``), never a FIFO or device; each
refusal is one line naming the file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import snapshot

from techdigest.cli import main


@pytest.fixture
def built(project: Path) -> Path:
    """The fixture project, built once: the site a refused build must leave as it is."""
    assert main(["-C", str(project), "build"]) == 0
    return project


def build_fails(project: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    before = snapshot(project / "site")
    assert main(["-C", str(project), "build"]) == 1
    assert snapshot(project / "site") == before
    assert not [p.name for p in project.iterdir() if p.name.startswith(".site-")]
    return capsys.readouterr().err.splitlines()


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        (
            "/etc/passwd",
            "a link to /etc/passwd, outside the project: only links that stay inside the project are followed",
        ),
        ("/proc/self/environ", "a link to /proc/"),  # the link's target, resolved: /proc/<pid>/environ
        ("/etc", "a link to /etc, outside the project"),
        ("../../../outside.txt", "outside.txt, outside the project"),
        ("missing.css", "cannot read: a link that leads nowhere"),
    ],
)
def test_a_link_out_of_the_project_or_to_nothing_is_refused(built, capsys, target, reason):
    (built.parent / "outside.txt").write_text("secret")
    (built / "templates" / "static" / "x").symlink_to(target)
    (line,) = build_fails(built, capsys)
    assert line.startswith("error: templates/static/x: ") and reason in line


def test_link_loops_are_refused(built, capsys):
    static = built / "templates" / "static"
    (static / "a").symlink_to("b")
    (static / "b").symlink_to("a")
    (static / "sub").mkdir()
    (static / "sub" / "up").symlink_to("..")
    assert build_fails(built, capsys) == [
        "error: templates/static/a: cannot read: Too many levels of symbolic links",
        "error: templates/static/b: cannot read: Too many levels of symbolic links",
        "error: templates/static/sub/up: a loop of symbolic links (a link to a folder it is in)",
    ]


def test_a_fifo_is_refused_without_blocking(built, capsys):
    os.mkfifo(built / "templates" / "static" / "pipe")
    assert build_fails(built, capsys) == [
        "error: templates/static/pipe: not a regular file (a FIFO, socket or device); only files are read",
    ]


def test_a_device_is_refused(built, capsys):
    (built / "templates" / "static" / "null").symlink_to("/dev/null")
    (line,) = build_fails(built, capsys)
    assert line == (
        "error: templates/static/null: a link to /dev/null, outside the project: "
        "only links that stay inside the project are followed"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_refused(built, capsys):
    locked = built / "templates" / "static" / "locked.css"
    locked.write_text("body {}")
    locked.chmod(0)
    assert build_fails(built, capsys) == ["error: templates/static/locked.css: cannot read: Permission denied"]


def test_links_that_stay_inside_the_project_are_followed(built):
    static = built / "templates" / "static"
    (built / "assets" / "img").mkdir(parents=True)
    (built / "assets" / "img" / "logo.svg").write_text("<svg/>")
    (static / "img").symlink_to("../../assets/img")
    (static / "copy.css").symlink_to("style.css")
    assert main(["-C", str(built), "build"]) == 0
    site = built / "site"
    static_out = next(p.parent for p in site.rglob("style.css"))
    assert (static_out / "img" / "logo.svg").read_text() == "<svg/>"
    assert (static_out / "copy.css").read_bytes() == (static / "style.css").read_bytes()


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("templates/thanks.html", lambda p: p.symlink_to("/etc/passwd"), "a link to /etc/passwd, outside the project"),
        ("templates/thanks.html", os.mkfifo, "not a regular file (a FIFO, socket or device)"),
        ("locales/de/LC_MESSAGES/messages.po", lambda p: p.symlink_to("/dev/zero"), "a link to /dev/zero, outside"),
        ("locales/de/LC_MESSAGES/messages.po", os.mkfifo, "not a regular file (a FIFO, socket or device)"),
        ("locales/en", lambda p: p.symlink_to("/tmp"), "a link to /tmp, outside the project"),
    ],
)
def test_templates_and_catalogs_follow_the_same_rule(built, capsys, name, make, reason):
    path = built / name
    if path.is_dir():
        os.rename(path, built / "moved-away")
    else:
        path.unlink()
    make(path)
    (line, *_) = build_fails(built, capsys)
    assert line.startswith(f"error: {name}") and reason in line
