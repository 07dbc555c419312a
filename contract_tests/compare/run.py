"""Compare two servers as each identity in turn: log in, pair keys, run the engine, clean up both.

The engine is the suite's (contract_tests.runner builds its schema, with the same seed, selection,
known values and clean-up hooks), pointed at the reference with Schemathesis' checks switched off:
here the verdict is the candidate's answer beside the reference's, made by the replay hook, not the
contract's. Each server's data is left as found by the suite's own staging guard and clean-up.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, TextIO

import httpx
from schemathesis.config import ChecksConfig
from schemathesis.engine import events, from_schema
from schemathesis.schemas import BaseSchema

from contract_tests.compare.config import PHASES, CompareSettings
from contract_tests.compare.identities import Identity, connect_all
from contract_tests.compare.ids import IdMap
from contract_tests.compare.known import load_known
from contract_tests.compare.replay import Replay
from contract_tests.compare.report import Comparison
from contract_tests.compare.tolerances import Tolerances
from contract_tests.reporting.report import Masker
from contract_tests.runner import build_schema, clean_up, contract, existing_objects, guard_for, selection
from contract_tests.staging.cleanup import CreatedObjects
from spec import operations


def compare_servers(settings: CompareSettings, *, progress: TextIO | None = None) -> Comparison:
    """Compare the candidate with the reference as every identity (progress lines to `progress`).

    Raises ContractError before any request when the comparison cannot start.
    """
    document = contract(settings.reference)
    selected = selection(settings.reference, document)  # a usage error shows before any request
    names = operation_names(document)
    tolerances = Tolerances.load(
        files=[settings.tolerances] if settings.tolerances else [], ignore=settings.ignore, operations=names
    )
    known = load_known(settings.known, names)
    identities = connect_all(settings)
    tokens = [login.token.reveal() for identity in identities for login in (identity.reference, identity.candidate)]
    masker = Masker([*settings.secrets(), *tokens])
    first = identities[0]
    comparison = Comparison(
        reference=f"{settings.reference.root_url} ({first.reference.server}, API {first.reference.api_version})",
        candidate=f"{settings.candidate.root_url} ({first.candidate.server}, API {first.candidate.api_version})",
        settings=settings.describe(),
        identities=[identity.name for identity in identities],
        known=known,
        secrets=[token for token in tokens if token],
    )
    phases = (
        settings.phases if has_links(document, set(selected)) else tuple(p for p in settings.phases if p != "stateful")
    )
    started = time.monotonic()
    try:
        for identity in identities:
            compare_as(
                identity, comparison=comparison, tolerances=tolerances, phases=phases, masker=masker, progress=progress
            )
            if comparison.fatal is not None:
                break
    finally:
        comparison.duration = time.monotonic() - started
    return comparison


def compare_as(
    identity: Identity,
    *,
    comparison: Comparison,
    tolerances: Tolerances,
    phases: tuple[str, ...],
    masker: Masker,
    progress: TextIO | None,
) -> None:
    """One engine run against the reference as `identity`, every answer replayed on the candidate."""
    reference, candidate = identity.reference_settings, identity.candidate_settings
    document = contract(reference)
    created = CreatedObjects(), CreatedObjects()
    guards = guard_for(reference, identity.reference, created[0]), guard_for(candidate, identity.candidate, created[1])
    if guards[0] is not None:
        guards[0].attach(document)  # the reference's guard sees the engine's requests through the global hook
    replay: Replay | None = None
    try:
        with (
            httpx.Client(
                base_url=reference.root_url, headers=identity.reference.headers(), timeout=reference.request_timeout
            ) as ours,
            httpx.Client(
                base_url=candidate.root_url, headers=identity.candidate.headers(), timeout=candidate.request_timeout
            ) as theirs,
        ):
            ids = IdMap.from_servers(document, ours, theirs)
        values = existing_objects(reference, identity.reference, document)
        schema = build_schema(reference, identity.reference, document=document, created=created[0], known=values)
        quiet(schema, phases)
        replay = Replay(
            identity=identity,
            ids=ids,
            tolerances=tolerances,
            comparison=comparison,
            guards=guards,
            created=created[1],
        )
        schema.hook("after_call")(replay.hook())
        stream = from_schema(schema).execute()
        for event in stream:
            _handle(event, identity, comparison, masker, progress)
            if replay.down is not None and comparison.fatal is None:
                comparison.fatal = replay.down
                stream.stop()
    finally:
        if replay is not None:
            replay.close()
        # Clean-up first: detaching a guard closes the client it restores with.
        for index, (side, settings, login, made, guard) in enumerate(
            (
                ("reference", reference, identity.reference, created[0], guards[0]),
                ("candidate", candidate, identity.candidate, created[1], guards[1]),
            )
        ):
            if guard is not None:
                if replay is not None:
                    replay.writes[index].forget_unchanged(guard)
                    healer = replay.healers[index]
                    if healer.undone:
                        comparison.cleanup.append(
                            f"{side} as {identity.name}: {healer.undone} writes that succeeded here only "
                            "were undone at once, so that the servers went on holding the same data"
                        )
                    comparison.cleanup += [f"{side} as {identity.name}: {line}" for line in healer.problems]
                lines = clean_up(settings, login, made, guard, masker)
                comparison.cleanup += [f"{side} as {identity.name}: {line}" for line in lines]
                guard.detach(document)


def quiet(schema: BaseSchema, phases: tuple[str, ...]) -> None:
    """No checks (the candidate's answer is the judge) and only the chosen phases.

    Set on the built schema's configuration, as `build_schema` makes it for the suite.
    """
    schema.config.checks = ChecksConfig.from_dict({"enabled": False})
    for name in PHASES:
        schema.config.phases.get_by_name(name=name).enabled = name in phases


def has_links(document: Mapping[str, Any], selected: set[str]) -> bool:
    """Whether a link joins two selected operations (Schemathesis' stateful phase needs one)."""
    for _, _, operation in operations(dict(document)):
        if operation.get("operationId") not in selected:
            continue
        for response in (operation.get("responses") or {}).values():
            for link in ((response or {}).get("links") or {}).values():
                if link.get("operationId") in selected:
                    return True
    return False


def operation_names(document: Mapping[str, Any]) -> set[str]:
    """Every operationId and label (`GET /api/units/`) of the contract."""
    return {
        name
        for method, path, operation in operations(dict(document))
        for name in (str(operation.get("operationId")), f"{method} {path}")
    }


def _handle(
    event: events.EngineEvent, identity: Identity, comparison: Comparison, masker: Masker, progress: TextIO | None
) -> None:
    if isinstance(event, events.NonFatalError):
        comparison.errors.append(masker(f"[{identity.name}] {event.label}: {event.info.format().strip()}"))
    elif isinstance(event, events.FatalError):
        comparison.fatal = masker(f"{type(event.exception).__name__}: {event.exception}")
    elif isinstance(event, events.Interrupted):
        # The engine ends its run on Ctrl-C; the comparison stops too, after the clean-up of both servers.
        comparison.fatal = "interrupted"
    elif (
        progress is not None
        and isinstance(event, (events.PhaseStarted, events.PhaseFinished))
        and event.phase.is_enabled
    ):
        what = "..." if isinstance(event, events.PhaseStarted) else "done"
        progress.write(f"as {identity.name}: {event.phase.name.display} {what}\n")
        progress.flush()
