"""Sessions for the InvenTree contract kit: serve the mock, test, lint, type-check, measure.

`nox` alone runs the checks CI runs; `nox -s mock` serves the mock on http://127.0.0.1:8000.
"""

from __future__ import annotations

import nox

nox.options.sessions = ["spec", "lint", "typecheck", "tests"]
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True

PYPROJECT = nox.project.load_toml("pyproject.toml")


def install(session: nox.Session, *extras: str, groups: tuple[str, ...] = ()) -> None:
    """Install the project (editable, with extras) and the named dependency groups."""
    target = f".[{','.join(extras)}]" if extras else "."
    session.install("-e", target)
    for group in groups:
        session.install(*nox.project.dependency_groups(PYPROJECT, group))


@nox.session
def tests(session: nox.Session) -> None:
    """Run the whole test suite (spec, mock server, contract suite against the mock)."""
    install(session, "all", groups=("test",))
    args = session.posargs or ["tests"]
    session.run("python", "-m", "pytest", *args, env={"HYPOTHESIS_PROFILE": "ci"})


@nox.session
def spec(session: nox.Session) -> None:
    """Resolve and validate the contract, published and with overlays; write both under build/."""
    install(session)
    session.run("python", "-m", "spec", "--published", "--output", "build/openapi.published.json")
    session.run("python", "-m", "spec", "--output", "build/openapi.json")
    session.log("Wrote build/openapi.published.json and build/openapi.json")


@nox.session
def lint(session: nox.Session) -> None:
    """Lint and check formatting with ruff."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check the packages with mypy (strict)."""
    install(session, "all", groups=("typecheck",))
    session.run("mypy", *session.posargs)


@nox.session
def mock(session: nox.Session) -> None:
    """Serve the mock InvenTree on http://127.0.0.1:8000 with the default fixtures."""
    install(session, "mock")
    session.run("python", "-m", "mock_server", *session.posargs)


@nox.session
def contract(session: nox.Session) -> None:
    """Run the contract suite against --base-url URL or $INVENTREE_BASE_URL (arguments pass through)."""
    install(session, "contract")
    session.run("python", "-m", "contract_tests", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Measure the mock beside Prism, Connexion's mock mode and bare Starlette; write benchmarks/results/."""
    install(session, "all", groups=("bench",))
    session.run("python", "-m", "benchmarks", *session.posargs)
