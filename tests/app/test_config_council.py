"""[council]: the rubric is configuration, checked when the file is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import ConfigError, load_config
from tests.app.test_config import ROOT
from tests.cli import run_cli, write_local_config

FIRST_BAND = '{ label = "Hoàn toàn mới", min = 27, max = 30 }'


def test_the_shipped_rubric_has_three_criteria_out_of_100_and_two_scorers() -> None:
    rubric = load_config(ROOT / "config.toml").council
    assert rubric is not None
    assert [c.key for c in rubric.criteria] == ["moi", "ap-dung", "hieu-qua"]
    assert (rubric.maximum, rubric.threshold, rubric.scorers, rubric.gap) == (100, 50, 2, 15)
    assert load_config(ROOT / "demo" / "config.toml").council == rubric


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        (FIRST_BAND, '{ label = "Hoàn toàn mới", min = 20, max = 30 }', "moi.bands", "chồng lên"),
        (FIRST_BAND, '{ label = "Hoàn toàn mới", min = 27, max = 29 }', "moi.bands", "tối đa 30"),
        ("threshold = 50 ", "threshold = 101 ", "[council].threshold", "lớn hơn tổng điểm"),
        ("scorers = 2", "scorerz = 2", "[council]", "khóa `scorerz` không hợp lệ"),
    ],
)
def test_a_wrong_rubric_is_one_line_naming_the_file_and_key_and_exit_2(
    tmp_path: Path, old: str, new: str, key: str, problem: str
) -> None:
    config = write_local_config(tmp_path, (old, new))
    with pytest.raises(ConfigError) as error:
        load_config(config)
    assert key in error.value.key and problem in error.value.problem
    result = run_cli("--config", str(config), "council", "results")
    assert result.exit_code == 2
    assert str(config.resolve()) in result.output and problem in result.output
