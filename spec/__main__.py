"""`python -m spec`: print the resolved contract (JSON by default) for other tools to read."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from spec.errors import SpecError
from spec.loader import load_spec


def main(argv: list[str] | None = None) -> int:
    """Resolve the contract and print or write it; exit 1 with one line when it cannot load."""
    parser = argparse.ArgumentParser(prog="python -m spec", description=__doc__)
    parser.add_argument("--output", "-o", type=Path, help="write to FILE instead of stdout")
    parser.add_argument("--format", choices=("json", "yaml"), default="json", help="output format")
    parser.add_argument("--published", action="store_true", help="the contract as published, no overlays")
    parser.add_argument("--root", type=Path, help="spec folder or root document (default: this package)")
    args = parser.parse_args(argv)
    try:
        document = load_spec(published=args.published, root=args.root)
    except SpecError as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    if args.format == "yaml":
        text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    else:
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if args.output:
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"SpecError: cannot write {args.output}: {exc.strerror}; choose a writable path", file=sys.stderr)
            return 1
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
