"""medlib.book.params and the command line: every bad request is one clear line, exit 2,
and nothing written."""

import pytest

from medlib.book.__main__ import main
from medlib.book.params import (
    Parameter,
    ParameterError,
    coerce,
    declared_parameters,
    parse_overrides,
    resolve_parameters,
)
from medlib.book.paths import NOTEBOOKS_DIR


@pytest.mark.parametrize(
    ("type_name", "raw", "expected"),
    [
        ("int", "5", 5),
        ("int", 7, 7),
        ("float", "1e-3", 1e-3),
        ("float", 2, 2.0),
        ("str", "breastmnist", "breastmnist"),
        ("bool", "true", True),
        ("bool", False, False),
    ],
)
def test_coerce_accepts_values_of_the_declared_type(type_name, raw, expected):
    value = coerce(Parameter("p", type_name, "0"), raw)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    ("type_name", "raw"),
    [
        ("int", "five"),
        ("int", "2.5"),
        ("int", True),
        ("float", "fast"),
        ("str", 3),
        ("bool", "maybe"),
    ],
)
def test_coerce_rejects_the_wrong_type(type_name, raw):
    with pytest.raises(ParameterError, match=f"parameter 'p' expects {type_name}"):
        coerce(Parameter("p", type_name, "0"), raw)


def test_parse_overrides_needs_name_equals_value():
    assert parse_overrides(["epochs=5", "dataset=a=b"]) == {"epochs": "5", "dataset": "a=b"}
    with pytest.raises(ParameterError, match="write it as -p name=value"):
        parse_overrides(["epochs"])


def test_every_source_notebook_declares_typed_parameters():
    for notebook in NOTEBOOKS_DIR.glob("*.ipynb"):
        assert declared_parameters(notebook), notebook.name


def test_profile_values_and_overrides_are_merged_and_typed():
    params = resolve_parameters("cnn_diagnosis", "quick", {"seed": "9", "learning_rate": "0.01"})
    assert params["seed"] == 9 and params["learning_rate"] == 0.01 and "epochs" in params


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["run", "no_such_chapter", "--profile", "book"],
            "error: unknown notebook 'no_such_chapter'; known notebooks: cnn_beyond, cnn_diagnosis",
        ),
        (
            ["run", "cnn_diagnosis", "--profile", "fast"],
            "error: unknown profile 'fast' for cnn_diagnosis; its profiles: quick, book",
        ),
        (
            ["run", "cnn_diagnosis", "--profile", "quick", "-p", "epoch=3"],
            "error: unknown parameter 'epoch' (-p) for cnn_diagnosis; its parameters: dataset,",
        ),
        (
            ["run", "cnn_diagnosis", "--profile", "quick", "-p", "epochs=five"],
            "error: parameter 'epochs' expects int, got 'five' (str)",
        ),
    ],
)
def test_bad_requests_fail_with_one_line_and_write_nothing(argv, message, tmp_path, capsys):
    out = tmp_path / "out"
    assert main([*argv, "--output-dir", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1
    assert not out.exists()


def test_list_shows_notebooks_and_profiles(capsys):
    assert main(["list"]) == 0
    assert "cnn_diagnosis: profiles quick, book" in capsys.readouterr().out
