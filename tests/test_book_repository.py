"""medlib.book.repository: no button or citation points at an unchecked repository address.

The committed configuration names no repository, so the default build has no repository,
issues or Binder button; ``REPOSITORY_URL`` turns them on only after ``git ls-remote`` finds
a repository there. The checks against real repositories use local ones made in
``tmp_path`` (nothing here reaches the network); the answers of remote hosts are stubbed.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from jupyter_book.config import get_final_config

from medlib.book import repository
from medlib.book.paths import REPO_ROOT
from medlib.book.repository import (
    BINDERHUB_URL,
    RepositoryError,
    button_url,
    default_branch,
    main,
    repository_config,
)

URL = "https://github.com/someone/medlib-book"
# What an address of the source's host, or of Binder, would contain.
ADDRESS_PARTS = ("github", "gitlab", "bitbucket", "mybinder", "medlib-book/medlib-book")
LAUNCH_URLS = ("binderhub_url", "jupyterhub_url", "colab_url", "deepnote_url")


def theme_options(config_file: Path) -> dict:
    """What Jupyter Book hands the theme for ``config_file``: its defaults (which name a
    repository of their own) merged with the file, as the build sees them."""
    sphinx_config, _ = get_final_config(
        user_yaml=config_file, cli_config={"latex_individualpages": False},
        sourcedir=REPO_ROOT, raise_on_invalid=True)
    return sphinx_config["html_theme_options"]


def git(*args: str, cwd: Path | None = None) -> None:
    subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.org",
                    *args], cwd=cwd, check=True, capture_output=True)


def a_repository(path: Path, branch: str) -> Path:
    """A local repository with one commit on ``branch``: an address that answers."""
    git("init", "--quiet", "-b", branch, str(path))
    git("commit", "--quiet", "--allow-empty", "-m", "first", cwd=path)
    return path


def stub_git(monkeypatch: pytest.MonkeyPatch, returncode: int, stdout: str = "",
             stderr: str = "") -> list[list[str]]:
    """Replace the module's ``git ls-remote`` by a fixed answer; returns the commands run."""
    commands: list[list[str]] = []

    def run(command, **kwargs):
        commands.append(command)
        return subprocess.CompletedProcess(command, returncode, stdout, stderr)

    monkeypatch.setattr(repository.subprocess, "run", run)
    return commands


# The committed files: no address, no button that needs one.

def test_the_committed_config_names_no_repository_and_turns_on_no_repository_button():
    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text())
    assert not config.get("repository", {}).get("url")
    html = config.get("html", {})
    assert not any(html.get(key) for key in
                   ("use_repository_button", "use_issues_button", "use_edit_page_button"))
    assert not any(config.get("launch_buttons", {}).get(key) for key in (*LAUNCH_URLS, "thebe"))
    text = (REPO_ROOT / "_config.yml").read_text().lower()
    assert not [part for part in ADDRESS_PARTS if part in text]


def test_the_theme_of_the_default_build_gets_no_repository_and_no_button():
    # Jupyter Book's own defaults name a repository (executablebooks/jupyter-book): the
    # committed empty url must override it.
    options = theme_options(REPO_ROOT / "_config.yml")
    assert options["repository_url"] == ""
    assert not options.get("use_repository_button") and not options.get("use_issues_button")
    assert not any(options["launch_buttons"].get(key) for key in (*LAUNCH_URLS, "thebe"))


def test_the_citation_names_no_repository_address():
    citation = (REPO_ROOT / "CITATION.cff").read_text()
    keys = set(yaml.safe_load(citation))
    assert not keys & {"repository-code", "repository", "repository-artifact", "url"}
    assert "github.com" not in citation and "medlib-book/medlib-book" not in citation


# A checked address turns the buttons on.

def test_a_checked_address_turns_the_buttons_on_with_that_address_and_its_branch(tmp_path):
    config = repository_config(URL + ".git/", check=lambda url: "trunk")
    assert config["repository"] == {"url": URL, "branch": "trunk"}
    assert config["html"]["use_repository_button"] and config["html"]["use_issues_button"]
    assert config["html"]["home_page_in_navbar"]  # the rest of _config.yml is kept
    assert config["launch_buttons"]["binderhub_url"] == BINDERHUB_URL
    assert config["sphinx"] == yaml.safe_load((REPO_ROOT / "_config.yml").read_text())["sphinx"]

    written = tmp_path / "_config_repository.yml"
    written.write_text(yaml.safe_dump(config))
    options = theme_options(written)
    assert options["repository_url"] == URL and options["repository_branch"] == "trunk"
    assert options["use_repository_button"] and options["use_issues_button"]
    assert options["launch_buttons"]["binderhub_url"] == BINDERHUB_URL


def test_the_cli_writes_the_config_when_the_address_answers(monkeypatch, tmp_path, capsys):
    commands = stub_git(monkeypatch, 0, f"ref: refs/heads/main\tHEAD\n{'a' * 40}\tHEAD\n")
    out = tmp_path / "_build" / "_config_repository.yml"
    assert main([URL, "--out", str(out)]) == 0
    assert commands == [["git", "ls-remote", "--exit-code", "--symref", URL, "HEAD"]]
    config = yaml.safe_load(out.read_text())
    assert config["repository"] == {"url": URL, "branch": "main"}
    assert config["html"]["use_repository_button"]
    assert URL in capsys.readouterr().out


# An address that does not answer is refused, in one line.

def test_the_default_branch_comes_from_a_repository_that_answers(tmp_path):
    origin = a_repository(tmp_path / "origin", "trunk")
    assert default_branch(str(origin)) == "trunk"
    bare = tmp_path / "bare.git"
    git("clone", "--quiet", "--bare", str(origin), str(bare))
    assert default_branch(bare.as_uri()) == "trunk"


@pytest.mark.parametrize("kind", ["missing", "empty"])
def test_an_address_with_no_repository_or_no_commit_is_refused(tmp_path, kind):
    address = tmp_path / "nothing-here"
    if kind == "empty":
        git("init", "--quiet", "--bare", str(address))  # a repository, but HEAD names nothing
    with pytest.raises(RepositoryError, match="no repository answers there") as refused:
        default_branch(str(address))
    assert "\n" not in str(refused.value) and str(address) in str(refused.value)


def test_a_missing_remote_repository_is_refused_with_what_git_said(monkeypatch, capsys,
                                                                     tmp_path):
    stub_git(monkeypatch, 128, stderr="remote: Repository not found.\n"
             f"fatal: repository '{URL}/' not found\n")
    out = tmp_path / "_config_repository.yml"
    assert main([URL, "--out", str(out)]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.startswith(f"error: REPOSITORY_URL={URL}: ")
    assert "not found" in error and not out.exists()


def test_an_address_that_does_not_answer_in_time_is_refused(monkeypatch):
    def hang(command, **kwargs):
        raise subprocess.TimeoutExpired(command, kwargs["timeout"])

    monkeypatch.setattr(repository.subprocess, "run", hang)
    with pytest.raises(RepositoryError, match="no answer to git ls-remote within 20 s"):
        default_branch(URL)


@pytest.mark.parametrize("address", ["git@github.com:someone/medlib-book.git",
                                     "/srv/git/medlib-book", "https://github.com/someone",
                                     "https://example.org/someone/medlib-book"])
def test_an_address_the_buttons_cannot_link_to_is_refused_before_asking_it(address):
    def never(url: str) -> str:
        raise AssertionError("asked an address the buttons cannot use")

    with pytest.raises(RepositoryError, match="REPOSITORY_URL="):
        repository_config(address, check=never)


def test_button_url_keeps_the_address_without_its_git_suffix():
    assert button_url(f" {URL}.git ") == URL
    assert button_url("https://gitlab.com/group/sub/project/") == \
        "https://gitlab.com/group/sub/project"


# The Makefile's single setting.

@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_the_build_uses_the_checked_config_only_when_the_setting_names_a_repository():
    def dry_run(*settings: str) -> str:
        return subprocess.run(["make", "-n", "build-check", "CHAPTERS=none", *settings],
                              cwd=REPO_ROOT, capture_output=True, text=True,
                              check=True).stdout

    default = dry_run()
    assert "--config" not in default
    assert 'if [ -n "" ]' in default  # nothing asked, nothing written
    chosen = dry_run(f"REPOSITORY_URL={URL}")
    assert f'-m medlib.book.repository "{URL}" --out _build/_config_repository.yml' in chosen
    assert "jupyter-book build . -W -n --keep-going --config _build/_config_repository.yml" \
        in chosen
    assert chosen.index("medlib.book.repository") < chosen.index("jupyter-book build")
