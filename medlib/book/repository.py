"""The book's repository address: one setting, checked before any page links to it.

Every page's repository, issues and Binder ("launch") buttons, and the citation, would send a
reader to the repository address; an address nobody has created gives them a 404, and a
Binder launch that fails after minutes. So the committed ``_config.yml`` names no repository
and turns none of those buttons on, and ``CITATION.cff`` has no ``repository-code``. A fork
with a real repository sets one make variable, ``REPOSITORY_URL``; ``make html`` and ``make
build-check`` then run this module::

    python -m medlib.book.repository https://github.com/you/medlib-book \\
        --out _build/_config_repository.yml

which asks the address itself whether a repository answers there (``git ls-remote``, with a
timeout, never a credential prompt), reads its default branch from the answer, and writes a
copy of ``_config.yml`` with the buttons on for ``jupyter-book build --config``. An address
that does not answer stops the build with one line saying so, instead of publishing buttons
that lead nowhere.

Binder installs ``requirements.txt`` and opens the page's executed notebook in JupyterLab;
re-running it needs the data (README, "Data").
"""

from __future__ import annotations

import argparse
import copy
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from medlib.chapter.contract import REPO_ROOT

CONFIG_FILE = REPO_ROOT / "_config.yml"
# How long the address may take to answer: a real host answers in a second or two; a
# silent one must not hang the build.
LS_REMOTE_TIMEOUT_S = 20.0
BINDERHUB_URL = "https://mybinder.org"
# The hosts sphinx-book-theme derives its links from (any other fails the build later,
# with a less clear message).
PROVIDERS = ("github", "gitlab", "bitbucket")


class RepositoryError(RuntimeError):
    """The address cannot be linked from the book: malformed, or no repository answers."""


def button_url(url: str) -> str:
    """The address as the buttons use it (no trailing ``/`` or ``.git``), after checking its
    form: the buttons are web links (``https://host/owner/name``) on a host whose pages the
    theme knows how to link to, so an SSH address or a local path would publish dead links.
    """
    parts = urlsplit(url.strip())
    path = parts.path.strip("/").removesuffix(".git")
    if parts.scheme not in ("http", "https") or not parts.netloc or path.count("/") < 1:
        raise RepositoryError(
            f"REPOSITORY_URL={url} is not a web address of a repository "
            "(https://host/owner/name)")
    if not any(provider in parts.netloc.lower() for provider in PROVIDERS):
        raise RepositoryError(
            f"REPOSITORY_URL={url}: the book's buttons can link only to GitHub, GitLab "
            "or Bitbucket repositories")
    return f"{parts.scheme}://{parts.netloc}/{path}"


def default_branch(url: str, timeout_s: float = LS_REMOTE_TIMEOUT_S) -> str:
    """The default branch of the repository at ``url``, asked of the address itself with
    ``git ls-remote --exit-code --symref URL HEAD``; raises :class:`RepositoryError` (one
    line) when nothing answers within ``timeout_s`` or the answer is not a repository with a
    commit. Git's prompts are off, so that a missing GitHub repository (which asks for a
    password) fails instead of waiting for one.
    """
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "",
           "GIT_SSH_COMMAND": "ssh -o BatchMode=yes"}
    command = ["git", "ls-remote", "--exit-code", "--symref", url, "HEAD"]
    try:
        answer = subprocess.run(command, capture_output=True, text=True, env=env,
                                timeout=timeout_s, stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        raise RepositoryError(
            f"REPOSITORY_URL={url}: no answer to git ls-remote within {timeout_s:g} s; set "
            "it to a repository that exists, or leave it empty to build without repository "
            "buttons") from None
    except FileNotFoundError:
        raise RepositoryError(
            f"REPOSITORY_URL={url}: git is not installed, so the address cannot be "
            "checked") from None
    if answer.returncode != 0:
        said = [line.strip() for line in answer.stderr.splitlines() if line.strip()]
        why = f" ({said[-1]})" if said else ""
        raise RepositoryError(
            f"REPOSITORY_URL={url}: no repository answers there{why}; set it to a "
            "repository that exists, or leave it empty to build without repository buttons")
    for line in answer.stdout.splitlines():
        ref, _, name = line.partition("\t")
        if name == "HEAD" and ref.startswith("ref: refs/heads/"):
            return ref.removeprefix("ref: refs/heads/")
    return "main"  # a server that does not report HEAD's branch (rare: dumb HTTP)


def repository_overrides(url: str, branch: str) -> dict[str, Any]:
    """The Jupyter Book settings that turn the repository, issues and Binder buttons on for
    the repository at ``url`` (already checked) on ``branch``."""
    return {
        "repository": {"url": button_url(url), "branch": branch},
        "html": {"use_repository_button": True, "use_issues_button": True},
        "launch_buttons": {"notebook_interface": "jupyterlab", "binderhub_url": BINDERHUB_URL},
    }


def _merged(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``overrides`` applied key by key inside nested sections."""
    merged = copy.deepcopy(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def repository_config(url: str, base: Path = CONFIG_FILE,
                      check: Callable[[str], str] | None = None) -> dict[str, Any]:
    """``base`` (the book's ``_config.yml``) with the buttons on for ``url``, after checking
    its form and that a repository answers there (``check``, by default
    :func:`default_branch`, returns its branch); raises :class:`RepositoryError` otherwise.
    """
    button_url(url)  # its form first: no need to ask an address the buttons cannot use
    branch = (check or default_branch)(url)
    config = yaml.safe_load(base.read_text(encoding="utf-8")) or {}
    return _merged(config, repository_overrides(url, branch))


def write_repository_config(url: str, out: Path, base: Path = CONFIG_FILE) -> Path:
    """Write :func:`repository_config` to ``out`` for ``jupyter-book build --config``."""
    config = repository_config(url, base)
    out.parent.mkdir(parents=True, exist_ok=True)
    header = (f"# Written by `python -m medlib.book.repository` from {base.name} for "
              f"REPOSITORY_URL={url} (checked); edit {base.name}, not this file.\n")
    out.write_text(header + yaml.safe_dump(config, sort_keys=False, allow_unicode=True),
                   encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    """Check the address and write the config; one line on stderr and exit 1 if refused."""
    parser = argparse.ArgumentParser(
        prog="python -m medlib.book.repository",
        description="check REPOSITORY_URL and write _config.yml with the repository buttons on")
    parser.add_argument("url", help="the book's repository (https://host/owner/name)")
    parser.add_argument("--out", type=Path, required=True, help="the config file to write")
    parser.add_argument("--base", type=Path, default=CONFIG_FILE,
                        help="the book's config (default: _config.yml)")
    args = parser.parse_args(argv)
    try:
        out = write_repository_config(args.url, args.out, args.base)
    except RepositoryError as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 1
    print(f"repository: {args.url} answers; buttons on ({out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
