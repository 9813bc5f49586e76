"""Front-matter dates that are not calendar dates: the file and line are named, --skip-bad skips them.

``2024-02-30`` and ``T25:00:00`` raised "day is out of range for month" from the YAML
loader without a file name, and ``--skip-bad`` did not skip them: all 79 crashes of a
500-article fuzz.
"""

import shutil

import pytest

from tests.conftest import SEEDS

from .conftest import one_clear_line

BAD_DATES = {
    "feb30": ("date: 2024-02-30", "feb30.md:2"),
    "hour25": ("title: T\ndate: 2024-01-01T25:00:00", "hour25.md:3"),
    "month13": ("date: 2024-13-01", "month13.md:2"),
    "quoted-feb30": ('date: "2024-02-30"', "is not a calendar date"),
    "quoted-month13": ("date: '2024-13'", "is not a calendar date"),
    "minute61": ("date: 2024-01-01 10:61:00", "minute"),
}


@pytest.mark.parametrize("name", sorted(BAD_DATES))
def test_bad_front_matter_date_names_the_file(sckg, tmp_path, name):
    front, needle = BAD_DATES[name]
    arts = tmp_path / "articles"
    arts.mkdir()
    (arts / f"{name}.md").write_text(f"---\n{front}\n---\nChina owns COSCO.\n", encoding="utf-8")
    code, out, err = sckg("build", arts, "--store", tmp_path / "s")
    one_clear_line(code, out, err, needle)
    assert f"{name}.md" in err, err


def test_skip_bad_skips_every_bad_date(sckg, tmp_path):
    arts = tmp_path / "articles"
    shutil.copytree(SEEDS, arts)
    for name, (front, _) in BAD_DATES.items():
        (arts / f"{name}.md").write_text(f"---\n{front}\n---\nChina owns COSCO.\n", encoding="utf-8")
    code, out, err = sckg("build", arts, "--store", tmp_path / "s", "--skip-bad")
    skipped = [line for line in err.splitlines() if line.startswith("skipped:")]
    assert code == 0 and len(skipped) == len(BAD_DATES), out + err
    assert "added" in out, out


def test_leap_day_is_a_date(sckg, tmp_path):
    arts = tmp_path / "articles"
    arts.mkdir()
    (arts / "leap.md").write_text("---\ndate: 2024-02-29\n---\nChina owns COSCO.\n", encoding="utf-8")
    code, out, err = sckg("build", arts, "--store", tmp_path / "s")
    assert code == 0, out + err
