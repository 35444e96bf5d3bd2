"""Agreement (terms, eligibility report, signing) and plan (tranches, manifests)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import NoResultFound
from starlette.concurrency import run_in_threadpool

from homeward.adapters.checkin_secret import load_or_create
from homeward.adapters.manifest_csv import manifest_csv
from homeward.adapters.manifest_pdf import manifest_pdf
from homeward.domain.values import Side
from homeward.planning.feasibility import TermsCannotBeMetError
from homeward.planning.istanbul import istanbul_2025_terms
from homeward.planning.terms_file import TermsFileError, parse_terms_toml
from homeward.services.access import Action, Principal, ResourceKind
from homeward.services.agreement import (
    SignatureRejected,
    agreement_view,
    eligibility,
    propose_terms,
    terms_note_text,
    upload_signature,
)
from homeward.services.crossing import manifest_reserve
from homeward.services.exchange import NotAllowed, SignAgreement, sign_agreement
from homeward.services.planning_bridge import manifest, plan_agreement, tranche_rows
from homeward.services.rounds import NoSuchRound, chosen_round, rounds
from homeward.web.context import gettext_for, language_of, render, web
from homeward.web.crossing_view import pending_proposals_context
from homeward.web.errors import NotFound
from homeward.web.i18n import LANGUAGES, pick
from homeward.web.params import RowId
from homeward.web.queries import latest_agreement_id
from homeward.web.security import Require

router = APIRouter(include_in_schema=False)
READ = Require(ResourceKind.AGREEMENT, Action.READ)
WRITE = Require(ResourceKind.AGREEMENT, Action.WRITE)
SIGN = Require(ResourceKind.AGREEMENT, Action.SIGN)
PLAN_READ = Require(ResourceKind.PLAN, Action.READ)
PLAN_WRITE = Require(ResourceKind.PLAN, Action.WRITE)
MAX_TERMS_BYTES = 64 * 1024


async def _agreement_context(request: Request) -> dict[str, Any]:
    engine = web(request).engine
    agreement_id = await run_in_threadpool(latest_agreement_id, engine)
    if agreement_id is None:
        return {"agreement": None}
    return {"agreement": await run_in_threadpool(agreement_view, engine, agreement_id)}


@router.get("/agreement")
async def agreement_page(request: Request, _p: Annotated[Principal, Depends(READ)]) -> Response:
    return render(request, "agreement.html", await _agreement_context(request))


@router.get("/agreement/{agreement_id}/eligibility")
async def eligibility_report(
    request: Request, agreement_id: RowId, _p: Annotated[Principal, Depends(READ)]
) -> Response:
    report = await run_in_threadpool(eligibility, web(request).engine, agreement_id)
    return render(request, "_eligibility.html", {"report": report})


def _propose_category(engine: Any, events: Any, text: str) -> str | None:
    """Propose category terms; the problem in words if they are refused (nothing saved)."""
    from homeward.planning.categories import CategoryTermsError
    from homeward.planning.category_terms_file import parse_category_terms_toml
    from homeward.services.category_round import propose_category_terms

    try:
        propose_category_terms(engine, events, parse_category_terms_toml(text))
    except (TermsFileError, CategoryTermsError) as exc:
        return str(exc)
    return None


@router.post("/agreement")
async def propose(
    request: Request,
    _p: Annotated[Principal, Depends(WRITE)],
    preset: Annotated[str, Form()] = "",
    terms_toml: Annotated[str, Form()] = "",
) -> Response:
    """Draft terms: the Istanbul 2025 preset, or terms written in TOML (docs/terms.md)."""
    _ = gettext_for(request)
    errors: dict[str, str] = {}
    terms = None
    if terms_toml.strip():
        if len(terms_toml.encode()) > MAX_TERMS_BYTES:
            errors["terms_toml"] = _("The terms are too long (64 KB at most).")
        elif "[[categories]]" in terms_toml:  # a category agreement (docs/rounds.md)
            problem = await run_in_threadpool(
                _propose_category, web(request).engine, web(request).events, terms_toml
            )
            if problem is None:
                return RedirectResponse("/agreement", status_code=303)
            errors["terms_toml"] = problem
        else:
            try:
                terms = parse_terms_toml(terms_toml)
            except TermsFileError as exc:
                errors["terms_toml"] = str(exc)
    elif preset == "istanbul-2025":
        terms = istanbul_2025_terms()
    else:
        errors["preset"] = _("Choose a preset or write the terms.")
    if terms is None:
        context = await _agreement_context(request)
        context.update(errors=errors, terms_toml=terms_toml)
        return render(request, "agreement.html", context, status=422)
    await run_in_threadpool(propose_terms, web(request).engine, web(request).events, terms)
    return RedirectResponse("/agreement", status_code=303)


@router.get("/agreement/{agreement_id}/terms.txt")
async def terms_text(
    request: Request, agreement_id: RowId, _p: Annotated[Principal, Depends(READ)]
) -> Response:
    """The exact text a party signs offline with `homeward cosigner sign --dir DIR FILE`."""
    try:
        text = await run_in_threadpool(terms_note_text, web(request).engine, agreement_id)
    except NoResultFound:
        raise NotFound() from None
    return Response(
        text,
        media_type="text/plain; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="terms-{agreement_id}.txt"'},
    )


@router.post("/agreement/{agreement_id}/sign")
async def sign(
    request: Request,
    agreement_id: RowId,
    principal: Annotated[Principal, Depends(SIGN)],
    signed_note: Annotated[str, Form()] = "",
) -> Response:
    """The mediator signs on its server; a party uploads the terms it signed with its own
    key (`homeward cosigner sign`), checked against its registered key."""
    _ = gettext_for(request)
    engine, events = web(request).engine, web(request).events
    await run_in_threadpool(agreement_view, engine, agreement_id)  # 404 if none
    try:
        if principal.party is Side.MEDIATOR:
            await run_in_threadpool(
                sign_agreement,
                SignAgreement(agreement_id, principal.party),
                web(request).unit_of_work(),
            )
        elif not signed_note.strip():
            raise SignatureRejected(
                _("Sign the terms with your own key (homeward cosigner sign), then paste it here.")
            )
        else:
            # Browsers send a textarea's lines as CRLF, and a paste may drop the last newline.
            note = signed_note.replace("\r\n", "\n").strip("\n") + "\n"
            await run_in_threadpool(
                upload_signature, engine, events, agreement_id, principal.party, note
            )
    except (NotAllowed, SignatureRejected) as exc:
        context = await _agreement_context(request)
        context["errors"] = {"sign": str(exc)}
        return render(request, "agreement.html", context, status=409)
    return RedirectResponse("/agreement", status_code=303)


def _round_context(engine: Any, round_number: int | None) -> dict[str, Any]:
    """The plan page's round (the newest signed one unless chosen) and the round list."""
    try:
        shown = chosen_round(engine, round_number)
    except NoSuchRound as exc:
        raise NotFound(str(exc)) from exc
    return {"round": shown, "rounds": rounds(engine)}


@router.get("/plan")
async def plan_page(
    request: Request,
    _p: Annotated[Principal, Depends(PLAN_READ)],
    round_number: Annotated[int | None, Query(alias="round", ge=1, le=100_000)] = None,
) -> Response:
    engine = web(request).engine
    context = await run_in_threadpool(_round_context, engine, round_number)
    agreement = None
    rows: list[dict[str, Any]] = []
    if context["round"] is not None:
        agreement_id = context["round"].agreement_id
        agreement = await run_in_threadpool(agreement_view, engine, agreement_id)
        rows = await run_in_threadpool(tranche_rows, engine, agreement_id)
    pending = await pending_proposals_context(request, _p)
    return render(
        request, "plan.html", context | {"agreement": agreement, "tranches": rows, **pending}
    )


@router.post("/plan")
async def make_plan(request: Request, _p: Annotated[Principal, Depends(PLAN_WRITE)]) -> Response:
    engine = web(request).engine
    context = await run_in_threadpool(_round_context, engine, None)
    if context["round"] is None:
        raise NotFound("there is no signed agreement to plan")
    agreement_id = context["round"].agreement_id
    view = await run_in_threadpool(agreement_view, engine, agreement_id)
    problem = None
    if len(view["signed"]) < len(Side):
        problem = gettext_for(request)("All three must sign the terms before planning.")
    elif view["planned"]:
        problem = gettext_for(request)("This agreement is already planned.")
    if problem is None:
        try:
            key = load_or_create(web(request).settings.keys_dir)
            await run_in_threadpool(plan_agreement, engine, web(request).events, agreement_id, key)
        except (TermsCannotBeMetError, NotAllowed) as exc:
            problem = str(exc)
    if problem is not None:
        rows = await run_in_threadpool(tranche_rows, engine, agreement_id)
        return render(
            request,
            "plan.html",
            context | {"agreement": view, "tranches": rows, "errors": {"plan": problem}},
            status=409,
        )
    return RedirectResponse("/plan", status_code=303)


@router.get("/plan/{tranche_id}/manifest/{side}.{fmt}")
async def manifest_download(
    request: Request,
    tranche_id: RowId,
    side: str,
    fmt: str,
    _p: Annotated[Principal, Depends(PLAN_READ)],
    lang: str = "",
) -> Response:
    """The tranche's manifest for the people ``side`` hands over, as CSV or PDF (in
    ``lang``, en, uk or ru; the reader's language by default)."""
    if side not in ("UA", "RU") or fmt not in ("csv", "pdf"):
        raise NotFound("no such manifest")
    try:
        rows, header = await run_in_threadpool(
            manifest, web(request).engine, tranche_id, Side(side)
        )
    except NoResultFound as exc:
        raise NotFound("no such tranche") from exc
    name = f"manifest-day{header.tranche_id.removeprefix('day-')}-{side}.{fmt}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        return Response(
            manifest_csv(rows), media_type="text/csv; charset=utf-8", headers=disposition
        )
    engine = web(request).engine
    reserve = await run_in_threadpool(manifest_reserve, engine, tranche_id, Side(side))
    language = lang if lang in LANGUAGES else language_of(request)
    gettext = pick(web(request).translations, language)
    pdf = await run_in_threadpool(
        lambda: manifest_pdf(rows, header, gettext=gettext, reserve=reserve)
    )
    return Response(pdf, media_type="application/pdf", headers=disposition)
