"""`python -m spec`: the resolved document on stdout, and one-line errors for a broken contract."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

SPEC_DIR = Path(__file__).resolve().parents[2] / "spec"


def run_spec(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "spec", *args], capture_output=True, text=True, check=False)


@pytest.fixture
def spec_copy(tmp_path: Path) -> Path:
    target = tmp_path / "spec"
    shutil.copytree(SPEC_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def test_prints_the_resolved_document_as_json() -> None:
    result = run_spec()
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["openapi"] == "3.0.3"
    assert "links" in document["paths"]["/api/units/"]["post"]["responses"]["201"]


def test_published_omits_the_overlays() -> None:
    document = json.loads(run_spec("--published").stdout)
    assert "links" not in document["paths"]["/api/units/"]["post"]["responses"]["201"]


def test_yaml_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "openapi.yaml"
    result = run_spec("--format", "yaml", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert yaml.safe_load(out.read_text())["info"]["title"] == "InvenTree API"


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_missing_component_names_the_file_and_the_reference(spec_copy: Path) -> None:
    units = spec_copy / "paths" / "units.yaml"
    units.write_text(units.read_text().replace("#/components/schemas/CustomUnit'", "#/components/schemas/Nope'"))
    line = _one_line_error(run_spec("--root", str(spec_copy)))
    assert "paths/units.yaml" in line
    assert "'#/components/schemas/Nope'" in line


def test_a_missing_split_file_names_the_referring_file(spec_copy: Path) -> None:
    (spec_copy / "paths" / "units.yaml").unlink()
    line = _one_line_error(run_spec("--root", str(spec_copy), "--published"))
    assert "openapi.yaml" in line
    assert "paths/units.yaml#/root" in line


def test_invalid_yaml_names_the_file_and_line(spec_copy: Path) -> None:
    news = spec_copy / "paths" / "news.yaml"
    news.write_text(news.read_text().replace("  get:", "  get: [", 1))
    line = _one_line_error(run_spec("--root", str(spec_copy)))
    assert "paths/news.yaml" in line
    assert "invalid YAML at line" in line


def test_an_invalid_schema_names_its_file(spec_copy: Path) -> None:
    schemas = spec_copy / "schemas" / "units.yaml"
    schemas.write_text(schemas.read_text().replace("type: integer", "type: intger", 1))
    line = _one_line_error(run_spec("--root", str(spec_copy)))
    assert "schemas/units.yaml" in line
    assert "CustomUnit" in line


def test_a_stale_overlay_names_the_overlay_and_target(spec_copy: Path) -> None:
    links = spec_copy / "overlays" / "20-links.yaml"
    links.write_text(links.read_text().replace("$.paths['/api/units/']", "$.paths['/api/unitz/']"))
    line = _one_line_error(run_spec("--root", str(spec_copy)))
    assert line.startswith("OverlayError:")
    assert "20-links.yaml" in line
    assert "/api/unitz/" in line
    assert run_spec("--root", str(spec_copy), "--published").returncode == 0


def test_an_unwritable_output_is_one_line() -> None:
    line = _one_line_error(run_spec("--output", "/nonexistent-dir/openapi.json"))
    assert "cannot write" in line
