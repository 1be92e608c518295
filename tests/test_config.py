"""Settings are checked against their types wherever they come from (config file,
environment, flags, `mtqa.check` keywords), before any model loads: a wrong value is one line
naming the file and the key (exit code 2), an unknown key a warning with the nearest one."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import torch

import mtqa
from mtqa.cli import main
from mtqa.core.config import Settings, load_settings
from mtqa.core.errors import ConfigError, ConfigWarning

CHECKS_ONLY = 'fluency = "none"\ngrammar = "none"\ndrift = "none"\n'


def pyproject(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.mtqa]\n" + CHECKS_ONLY + body, "utf-8")
    return path


def run_check(config: Path, article: Path, capsys, *args: str) -> tuple[int, str]:
    code = main(["check", str(article), "--config", str(config), "--no-progress", "--fail-on", "never",
                 "-o", str(article.with_suffix(".json")), "-f", "json", *args])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


@pytest.mark.parametrize(("line", "expected"), [
    ('allow_words = "Zelenskyy"',
     'allow_words must be a list of strings, e.g. allow_words = ["Zelenskyy"], not the string \'Zelenskyy\''),
    ('batch_size = "8"', "batch_size must be an integer, not the string '8'"),
    ("select = 3", "select must be a list of strings, not the integer 3"),
    ("min_scores = 3", "min_scores must be a table of numbers, not the integer 3"),
    ('review_threshold = "0.5"', "review_threshold must be a number, not the string '0.5'"),
    ("include_untranslated = 1", "include_untranslated must be true or false, not the integer 1"),
    ("[tool.mtqa.min_scores]\ngrammar = \"high\"", "min_scores.grammar must be a number, not the string 'high'"),
    ('select = ["grammar", 3]', "select[1] must be a string, not the integer 3"),
])
def test_a_wrongly_typed_setting_is_one_line_naming_the_file_and_key(tmp_path, article, capsys, line,
                                                                    expected) -> None:
    config = pyproject(tmp_path, line + "\n")
    code, err = run_check(config, article, capsys)
    assert code == 2
    assert err == f"mtqa: error: {config}: [tool.mtqa] {expected}\n"
    assert not article.with_suffix(".json").exists()


@pytest.mark.parametrize(("line", "expected"), [
    ('lm_engine = "fast"', "lm_engine must be one of auto, ctranslate2, torch, not 'fast'"),
    ("review_threshold = 2", "review_threshold must be between 0 and 1, not 2"),
    ("batch_size = -1", "batch_size must be positive, not -1"),
])
def test_a_bad_value_is_one_line_naming_the_file_it_came_from(tmp_path, article, capsys, line, expected) -> None:
    config = pyproject(tmp_path, line + "\n")
    code, err = run_check(config, article, capsys)
    assert code == 2 and err.startswith(f"mtqa: error: {config}: [tool.mtqa] {expected}")


def test_a_bad_value_from_the_environment_names_the_variable(tmp_path, article, capsys, monkeypatch) -> None:
    monkeypatch.setenv("MTQA_GRAMMAR", "harpr")
    code, err = run_check(pyproject(tmp_path, ""), article, capsys)
    assert code == 2 and err.startswith("mtqa: error: environment variable MTQA_GRAMMAR: unknown grammar component")
    # the same value given as a flag is the command line's: no file or variable to name
    monkeypatch.delenv("MTQA_GRAMMAR")
    code, err = run_check(pyproject(tmp_path, ""), article, capsys, "--grammar", "harpr")
    assert code == 2 and err.startswith("mtqa: error: unknown grammar component")


def test_a_string_is_never_taken_for_a_list_of_its_letters(tmp_path) -> None:
    with pytest.raises(ConfigError, match="allow_words must be a list of strings"):
        load_settings(pyproject(tmp_path, 'allow_words = "Zelenskyy"\n'))
    assert load_settings(pyproject(tmp_path, 'allow_words = ["Zelenskyy"]\n')).allow_words == ["Zelenskyy"]


def test_an_unknown_key_is_a_warning_with_the_nearest_known_one(tmp_path, article, capsys) -> None:
    config = pyproject(tmp_path, "batchsize = 8\n[tool.mtqa.batch]\nchunk_size = 100\n")
    code, err = run_check(config, article, capsys)
    assert code == 0
    assert err == (f"mtqa: warning: {config}: [tool.mtqa] unknown setting 'batchsize' "
                   "(did you mean 'batch_size'?); ignored\n")  # the [tool.mtqa.batch] section is not


def test_an_unknown_key_without_a_near_one_is_still_named(tmp_path) -> None:
    config = tmp_path / "mtqa.toml"
    config.write_text("colour = 'blue'\n", "utf-8")
    with pytest.warns(ConfigWarning, match=r"mtqa.toml: unknown setting 'colour'; ignored"):
        load_settings(config)


def test_a_typo_in_a_python_keyword_is_a_config_error_naming_the_nearest_setting() -> None:
    with pytest.raises(ConfigError, match=r"^unknown setting 'grammer' \(did you mean 'grammar'\?\)$"):
        mtqa.check(text="One sentence.", grammer="harper")
    with pytest.raises(ConfigError, match="batch_size must be an integer"):
        mtqa.check(text="One sentence.", batch_size="8")


def test_validate_checks_the_types_of_a_settings_object_built_by_hand() -> None:
    with pytest.raises(ConfigError, match="batch_size must be an integer, not the string '8'"):
        Settings(batch_size="8").validate()  # type: ignore[arg-type]


def test_review_threshold_above_fail_threshold_is_caught_by_validate() -> None:
    with pytest.raises(ConfigError, match=r"review_threshold \(0.9\) must not exceed fail_threshold \(0.5\)"):
        Settings(review_threshold=0.9, fail_threshold=0.5).validate()
    # Against the risk model's own fail threshold when only one is set.
    with pytest.raises(ConfigError, match="the risk model's"):
        Settings(review_threshold=0.99).validate()
    Settings(review_threshold=0.3, fail_threshold=0.7).validate()


def test_inverted_thresholds_stop_the_cli_before_any_model_loads(tmp_path, article, capsys, monkeypatch) -> None:
    def no_models(*args, **kwargs):
        raise AssertionError("a model was loaded")

    monkeypatch.setattr("mtqa.core.components.ComponentSpec.build", no_models)
    config = tmp_path / "mtqa.toml"
    config.write_text("", "utf-8")
    code, err = run_check(config, article, capsys, "--review-threshold", "0.9", "--fail-threshold", "0.5")
    assert code == 2 and err.startswith("mtqa: error: review_threshold (0.9) must not exceed")


def test_environment_values_are_read_as_their_settings_types(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("MTQA_CACHE_DIR", "~/models")
    config = tmp_path / "mtqa.toml"
    config.write_text("", "utf-8")
    assert load_settings(config).cache_dir == Path("~/models").expanduser()


@pytest.mark.parametrize("device", ["cuda", "cuda:99", "no-such-device"])
def test_an_unusable_device_is_one_line_not_an_assertion_error(tmp_path, article, capsys, monkeypatch,
                                                                device) -> None:
    if device == "cuda" and torch.cuda.is_available():
        pytest.skip("this machine has CUDA: 'cuda' is usable here")
    monkeypatch.setenv("MTQA_DEVICE", device)
    config = tmp_path / "mtqa.toml"
    config.write_text('grammar = "none"\ndrift = "none"\nchecks = "none"\n', "utf-8")  # the LM only
    code, err = run_check(config, article, capsys)
    assert code == 2
    assert err.startswith(f"mtqa: error: device {device!r} cannot be used on this machine (") and \
        err.count("\n") == 1


def test_no_warning_for_a_clean_config(tmp_path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_settings(pyproject(tmp_path, "batch_size = 8\nallow_words = [\"Zelenskyy\"]\n"))


def test_a_missing_config_file_is_one_line_naming_it(tmp_path, article, one_line_error) -> None:
    from mtqa.cli import main

    missing = tmp_path / "nope.toml"
    assert main(["check", str(article), "--config", str(missing), "--no-progress"]) == 2
    assert one_line_error() == f"mtqa: error: {missing}: no such file\n"
