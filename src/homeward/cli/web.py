"""``homeward serve``: the web application on a workspace."""

from __future__ import annotations

import os
from pathlib import Path

import click

from homeward.cli.demo import LOGINS_FILE
from homeward.cli.workspace import domain_errors
from homeward.settings import Settings


@click.command()
@click.option("--workspace", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Server processes (more than 1: the schema must be current, see `homeward db upgrade`).",
)
@click.pass_obj
def serve(settings: Settings, workspace: Path, host: str, port: int, workers: int) -> None:
    """Serve the web application on a workspace."""
    import uvicorn

    from homeward.bootstrap import open_for_serving
    from homeward.web.app import create_app, load_secret

    settings = settings.for_workspace(workspace)
    with domain_errors():
        opened = open_for_serving(settings, workers)
    load_secret(settings)  # made once here, before any worker starts: all share it
    logins = workspace / LOGINS_FILE
    if logins.exists():
        click.echo("demo logins (role, username, password):")
        click.echo(logins.read_text(encoding="utf-8").rstrip())
    click.echo(f"homeward is serving {workspace} at http://{host}:{port}/ ({workers} processes)")
    # X-Forwarded-For is read by the app itself, from HOMEWARD_TRUSTED_PROXIES only: uvicorn
    # would otherwise believe it from any local peer.
    if workers == 1:
        app = create_app(opened)  # secret: keys/web-secret.key
        try:
            uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)
        finally:
            opened.close()
        return
    opened.close()
    # Each worker imports homeward.web.asgi:app afresh and reads its Settings from the
    # environment it inherits: the workspace chosen here is handed down through it.
    os.environ.update(settings.server_environment())
    uvicorn.run(
        "homeward.web.asgi:app",
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        proxy_headers=False,
    )
