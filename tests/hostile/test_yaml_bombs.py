"""YAML alias bombs: a few hundred characters of anchors and aliases must not expand.

Nine levels of nine aliases (431 characters) drove ``sckg build`` to 2.3 GB and
"internal error: MemoryError", through an article's front matter and through both
curation files. Each is now refused before anything is built, naming the file and line.
"""

import resource
import shutil
import subprocess
import sys

import pytest

from graph.store import Store
from tests.conftest import SEEDS

from .conftest import one_clear_line


def bomb(key: str, levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    lines.append(f"{key}: *a{levels - 1}")
    return "\n".join(lines) + "\n"


def test_the_bomb_is_the_one_reported():
    assert len(bomb("date")) < 500


def test_front_matter_alias_bomb_is_refused_naming_the_file(sckg, tmp_path):
    arts = tmp_path / "articles"
    arts.mkdir()
    (arts / "bomb.md").write_text("---\n" + bomb("date") + "---\nChina owns COSCO.\n", encoding="utf-8")
    one_clear_line(*sckg("build", arts, "--store", tmp_path / "s"), "bomb.md:")
    code, out, err = sckg("build", arts, "--store", tmp_path / "s")
    assert "aliases" in err and "bomb.md:3: front matter: YAML aliases" in err, err


def test_front_matter_alias_bomb_is_skipped_with_skip_bad(sckg, tmp_path):
    arts = tmp_path / "articles"
    shutil.copytree(SEEDS, arts)
    (arts / "bomb.md").write_text("---\n" + bomb("title") + "---\nChina owns COSCO.\n", encoding="utf-8")
    code, out, err = sckg("build", arts, "--store", tmp_path / "s", "--skip-bad")
    assert code == 0 and "skipped: bomb.md" in err and "aliases" in err, out + err


@pytest.mark.parametrize("file,key", [("judgements.yaml", "note"), ("assertions.yaml", "date")])
def test_curation_alias_bomb_is_refused_naming_the_file(sckg, tmp_path, file, key):
    cur = tmp_path / "curation"
    cur.mkdir()
    (cur / file).write_text(bomb(key), encoding="utf-8")
    code, out, err = sckg("build", SEEDS, "--store", tmp_path / "s", "--curation", cur)
    one_clear_line(code, out, err, f"{file}:2: YAML aliases (*a0) are not accepted")


def test_alias_bomb_build_stays_small(tmp_path):
    """The whole command, in its own process with its address space capped at 1.5 GiB."""
    arts = tmp_path / "articles"
    arts.mkdir()
    (arts / "bomb.md").write_text("---\n" + bomb("date") + "---\nChina owns COSCO.\n", encoding="utf-8")
    cap = 1536 * 2**20
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from graph.cli import main; sys.argv=['sckg']+sys.argv[1:]; main()",
         "build", str(arts), "--store", str(tmp_path / "s")],
        capture_output=True, text=True, timeout=300,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (cap, cap)))
    assert proc.returncode == 1 and "MemoryError" not in proc.stderr and "aliases" in proc.stderr, proc.stderr


def test_integer_too_long_for_python_names_the_file(sckg, tmp_path):
    arts = tmp_path / "articles"
    arts.mkdir()
    (arts / "digits.md").write_text("---\ntitle: " + "9" * 5000 + "\n---\nChina owns COSCO.\n", encoding="utf-8")
    one_clear_line(*sckg("build", arts, "--store", tmp_path / "s"), "digits.md")
