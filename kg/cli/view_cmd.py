"""`kg view lineage|person|doc … --out FILE.html`: a page to look at, evidence one click away."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import queries
from kg.cli.common import ProvinceOpt, out, reads_store
from kg.cli.output import complete

app = typer.Typer(name="view", help="Write one self-contained HTML page: a lineage, a person, a document.",
                  no_args_is_help=True)

OutOpt = Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.", dir_okay=False)]
OpenOpt = Annotated[bool, typer.Option("--open", help="Open the page in the default browser.")]


def _write(html: str, path: Path, open_it: bool) -> None:
    path.write_text(html, encoding="utf-8")
    out.print(f"wrote {path}")
    if open_it:
        import webbrowser
        webbrowser.open(path.resolve().as_uri())


@app.command("lineage")
@reads_store
def view_lineage(db, number: Annotated[str, typer.Argument(help="A document number or id.",
                                                       autocompletion=complete("Document"))],
                 out_file: OutOpt, province: ProvinceOpt = None,
                 depth: Annotated[int, typer.Option(min=1, max=50, help="Levels walked each way.")] = 6,
                 fanout: Annotated[int, typer.Option(min=0, help="Documents under each document (0: all).")] = 25,
                 open_it: OpenOpt = False) -> None:
    """A document's lineage as a layered graph: what it rests on above, what implements it
    below, coloured by province, each edge linking to its evidence."""
    from kg.view.pages import lineage_page
    result = queries.lineage(db, number, "both", depth, province, fanout, 500, evidence=True)
    _write(lineage_page(result), out_file, open_it)


@app.command("person")
@reads_store
def view_person(db, name: Annotated[str, typer.Argument(help="A name or person id.", autocompletion=complete("Person"))],
                out_file: OutOpt, province: ProvinceOpt = None,
                open_it: OpenOpt = False) -> None:
    """A person's neighbourhood: posts over time above, meetings by role below."""
    from kg.view.pages import person_page
    profile = queries.person_profile(db, name, province, 20, evidence=True)
    _write(person_page(profile), out_file, open_it)


@app.command("doc")
@reads_store
def view_doc(db, number: Annotated[str, typer.Argument(help="A document number or id.",
                                                   autocompletion=complete("Document"))],
             out_file: OutOpt, province: ProvinceOpt = None,
             open_it: OpenOpt = False) -> None:
    """A document with what it rests on, what implements it and the meetings acting on it."""
    from kg.view.pages import doc_page
    doc = queries.document(db, number, province, evidence=True)
    _write(doc_page(doc), out_file, open_it)
