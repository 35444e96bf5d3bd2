"""``homeward report``: the programme report (HTML with charts, and PDF) for any workspace."""

from __future__ import annotations

from pathlib import Path

import click

from homeward.settings import Settings

LANGUAGES = ("en", "uk", "ru")


@click.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write report.html and report.pdf to (created if missing).",
)
@click.option("--round", "round_number", type=click.IntRange(min=1), help="Only this round.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True)
@click.option(
    "--workspace",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Workspace folder (database DIR/homeward.db unless HOMEWARD_DATABASE_URL).",
)
@click.option(
    "--mediator-view",
    is_flag=True,
    help="Name the mediator's findings (refusal, unfit, identity); by default they read "
    "'did not travel', as the parties see them.",
)
@click.pass_obj
def report(
    settings: Settings,
    out: Path,
    round_number: int | None,
    lang: str,
    workspace: Path | None,
    mediator_view: bool,
) -> None:
    """Write the report of every round and the cumulative totals (or of one round)."""
    from homeward.adapters.report_pdf import programme_report_pdf
    from homeward.cli.workspace import workspace_for
    from homeward.domain.values import Side
    from homeward.reports.programme import render_programme_report
    from homeward.services.programme import programme_summary
    from homeward.web.i18n import load_catalogue

    if workspace is not None:
        settings = settings.for_workspace(workspace)
    with workspace_for(settings) as opened:
        data = programme_summary(opened.engine, Side.MEDIATOR if mediator_view else Side.UA)
    if round_number is not None:
        chosen = [r for r in data["rounds"] if r["round"] == round_number]
        if not chosen:
            known = ", ".join(str(r["round"]) for r in data["rounds"]) or "none"
            raise click.ClickException(
                f"there is no signed round {round_number} (signed rounds: {known})"
            )
        data = data | {"rounds": chosen, "title": f"{chosen[0]['round']}. {chosen[0]['name']}"}
    catalogue = load_catalogue(lang)

    def gettext(msgid: str) -> str:
        return catalogue.get(msgid, msgid)

    out.mkdir(parents=True, exist_ok=True)
    (out / "report.html").write_text(render_programme_report(data, gettext, lang), encoding="utf-8")
    (out / "report.pdf").write_bytes(programme_report_pdf(data, gettext))
    rounds = ", ".join(f"{r['round']}. {r['name']}" for r in data["rounds"]) or "no signed round"
    click.echo(f"wrote {out / 'report.html'} and {out / 'report.pdf'} ({rounds})")
