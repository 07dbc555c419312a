"""The only entry point to the contract: resolve the split files, apply overlays, validate, cache."""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from spec.cache import DiskCache, files_digest
from spec.errors import SpecError, display_path
from spec.overlay import apply_overlay, read_overlay

SPEC_DIR = Path(__file__).resolve().parent
ROOT_DOCUMENT = SPEC_DIR / "openapi.yaml"
OVERLAY_DIR = SPEC_DIR / "overlays"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# What a resolved document depends on besides the spec files: this loader and the libraries it uses.
LOADER_SOURCES = (Path(__file__), SPEC_DIR / "overlay.py")
LOADER_LIBRARIES = ("prance", "openapi-spec-validator", "python-jsonpath", "PyYAML")


def load_spec(
    *,
    published: bool = False,
    root: Path | str | None = None,
    overlays: Sequence[Path | str] | None = None,
) -> dict[str, Any]:
    """Return the resolved contract: published as-is, or (by default) with every overlay applied.

    `overlays` replaces the default overlay list (every `*.yaml` in `spec/overlays/`, by name).
    The result is a fresh copy; callers may change it.
    """
    root_path = Path(root).resolve() if root else ROOT_DOCUMENT
    if root_path.is_dir():
        root_path = root_path / "openapi.yaml"
    if published:
        chosen: tuple[str, ...] = ()
    elif overlays is None:
        chosen = tuple(str(p) for p in default_overlays(root_path))
    else:
        chosen = tuple(str(Path(p).resolve()) for p in overlays)
    return copy.deepcopy(_load(str(root_path), chosen))


def forget_loaded_specs() -> None:
    """Drop the documents kept in this process, so that the next `load_spec` reads the files again."""
    _load.cache_clear()


def default_overlays(root_document: Path = ROOT_DOCUMENT) -> list[Path]:
    """The overlays applied unless `published` is asked for, in the order they apply."""
    return sorted((root_document.parent / "overlays").glob("*.yaml"))


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield `(METHOD, path, operation)` for every operation of a resolved document."""
    for path, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                yield method.upper(), path, item[method]


@functools.lru_cache(maxsize=8)
def _load(root_document: str, overlay_files: tuple[str, ...]) -> dict[str, Any]:
    root = Path(root_document)
    if not root.is_file():
        raise SpecError(root, "the root document does not exist; pass the spec folder that holds openapi.yaml")
    # Resolving and validating is most of a second; the result is kept on disk until an input changes.
    cache = DiskCache("contract")
    key = _cache_key(root, overlay_files) if cache.enabled else ""
    cached = cache.load(key) if cache.enabled else None
    if isinstance(cached, dict):
        return cached
    document = _build(root, overlay_files)
    cache.store(key, document)
    return document


def _cache_key(root: Path, overlay_files: tuple[str, ...]) -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    def installed(name: str) -> str:
        try:
            return f"{name}=={version(name)}"
        except PackageNotFoundError:
            return f"{name} missing"

    files = sorted(root.parent.rglob("*.yaml")) + [Path(name) for name in overlay_files] + list(LOADER_SOURCES)
    return files_digest(files, f"overlays={overlay_files!r}", *(installed(name) for name in LOADER_LIBRARIES))


def _build(root: Path, overlay_files: tuple[str, ...]) -> dict[str, Any]:
    document = _resolve(root)
    for name in overlay_files:
        overlay_path = Path(name)
        if not overlay_path.is_file():
            raise SpecError(display_path(overlay_path), "overlay file not found; check the path")
        apply_overlay(document, read_overlay(overlay_path), display_path(overlay_path))
    _validate(document, root, source="after overlays" if overlay_files else "as published")
    return document


def _resolve(root: Path) -> dict[str, Any]:
    """Read and resolve with prance, without its validation: the final document is validated once.

    RESOLVE_FILES inlines the split files and keeps `#/components/...` references as they are, so
    the result reads like the published schema (named components) rather than one flat tree.
    """
    # prance takes a third of a second to import: only a document missing from the cache needs it.
    from prance.util.formats import parse_spec  # noqa: PLC0415
    from prance.util.fs import read_file  # noqa: PLC0415
    from prance.util.resolver import RESOLVE_FILES, RefResolver  # noqa: PLC0415
    from prance.util.url import absurl  # noqa: PLC0415

    try:
        specs = parse_spec(read_file(str(root)), str(root))
        resolver = RefResolver(specs, absurl(str(root)), resolve_types=RESOLVE_FILES, strict=False)
        resolver.resolve_references()
    except Exception as exc:  # prance raises several unrelated types; diagnose them the same way
        raise _diagnose(root, exc) from None
    document: dict[str, Any] = resolver.specs
    return document


def _validate(document: dict[str, Any], root: Path, source: str) -> None:
    from openapi_spec_validator import validate as validate_openapi  # noqa: PLC0415 - see _resolve

    try:
        validate_openapi(document)
    except Exception as exc:
        error = _diagnose(root, exc)
        raise SpecError(error.file, f"{error.message} ({source})", error.reference) from None


def _diagnose(root: Path, exc: Exception) -> SpecError:
    """Turn a library error into one line naming the split file and the reference at fault."""
    if isinstance(exc, SpecError):
        return exc
    broken = find_broken_reference(root)
    if broken:
        file, ref, why = broken
        return SpecError(display_path(file), why, ref)
    message, location = _validation_details(exc)
    if location:
        file = _file_for_location(root, location)
        where = "$" + "".join(f".{part}" if str(part).isidentifier() else f"[{str(part)!r}]" for part in location)
        return SpecError(display_path(file), f"invalid OpenAPI at {where}: {message}")
    return SpecError(display_path(root), f"cannot load the contract: {message}")


def _validation_details(exc: Exception) -> tuple[str, list[Any]]:
    """The first message line and the document location of a validator error, however wrapped."""
    location: list[Any] = []
    for candidate in (exc, exc.__cause__):
        if candidate is not None and hasattr(candidate, "absolute_path"):
            location = list(candidate.absolute_path)
            break
    text = str(exc.args[0]) if exc.args else str(exc)
    first = (text.strip().splitlines() or [type(exc).__name__])[0]
    # jsonschema starts some messages with a dump of the whole offending object; the location says it.
    first = re.sub(r"^[\[{].*[\]}] (is not|does not|should)", r"\1", first)
    if not location:
        match = re.search(r"On instance((?:\[[^\]]*\])+)", text)
        if match:
            location = [_unescape(json.loads(part)) for part in re.findall(r"\[([^\]]*)\]", match[1])]
    return first[:300], location


def find_broken_reference(root: Path) -> tuple[Path, str, str] | None:
    """Find the first `$ref` in the split files that does not resolve, for an error message.

    prance reports a failed reference with its own internal URLs and without the referring file;
    this walk exists only to name that file. Resolving stays prance's job.
    """
    cache: dict[Path, Any] = {}
    files = [f for f in sorted(root.parent.rglob("*.yaml")) if OVERLAY_DIR.name not in f.relative_to(root.parent).parts]
    for file in files:  # a file that does not parse is the first thing to name
        try:
            _read_yaml(file, cache)
        except SpecError as error:
            return file, "", error.message
    for file in files:
        for ref in _refs(cache[file]):
            why = _check_reference(root, file, ref, cache)
            if why:
                return file, ref, why
    return None


def _check_reference(root: Path, file: Path, ref: str, cache: dict[Path, Any]) -> str | None:
    location, _, pointer = ref.partition("#")
    # `#/...` inside any split file points into the root document once the files are assembled.
    target = (file.parent / location).resolve() if location else root
    if not target.is_file():
        return f"referenced file {display_path(target)} does not exist"
    try:
        node = _read_yaml(target, cache)
    except SpecError as error:
        return error.message
    for part in [p for p in pointer.split("/") if p]:
        while isinstance(node, dict) and "$ref" in node and part not in node:
            inner_location, _, inner_pointer = node["$ref"].partition("#")
            target = (target.parent / inner_location).resolve() if inner_location else root
            node = _read_yaml(target, cache)
            for inner in [p for p in inner_pointer.split("/") if p]:
                node = node.get(_unescape(inner)) if isinstance(node, dict) else None
        key = _unescape(part)
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return f"'{key}' not found in {display_path(target)}"
    return None


def _read_yaml(file: Path, cache: dict[Path, Any]) -> Any:
    if file not in cache:
        try:
            cache[file] = yaml.safe_load(file.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f" at line {mark.line + 1}" if mark else ""
            raise SpecError(display_path(file), f"invalid YAML{line}: {getattr(exc, 'problem', exc)}") from None
    return cache[file]


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _file_for_location(root: Path, location: list[Any]) -> Path:
    """The split file that holds a location of the assembled document (paths and schemas only)."""
    try:
        top = yaml.safe_load(root.read_text(encoding="utf-8"))
        if location[:1] == ["paths"] and len(location) > 1:
            ref: str = top["paths"][location[1]]["$ref"]
        elif location[:2] == ["components", "schemas"] and len(location) > 2:
            ref = top["components"]["schemas"][location[2]]["$ref"]
        else:
            return root
        return (root.parent / ref.partition("#")[0]).resolve()
    except (KeyError, TypeError, AttributeError, OSError, yaml.YAMLError):
        return root


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")
