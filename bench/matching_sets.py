"""Build the matching reference sets (docs.csv, queries.csv, qrels.csv) from ../shared/data.

    .venv/bin/python -m bench.matching_sets [--data ../shared/data] [--out bench/results/matching-sets]

Writes, for each split (dev, test), into ``<out>/<name>/`` (git-ignored; the data is read in place and
never copied into the repository):

* ``jobtag-a-<split>``: occupation (name + description) → its related qualifications (grade 1);
  documents: every distinct qualification name of the file.
* ``jobtag-b-<split>``: occupation (name + description) → the 39 skill and 33 knowledge items with the
  file's grades (2, 1, 0); documents: the 72 item labels.
* ``esco-<split>``: ESCO occupation (preferred label + description) → its skills, essential 2 and
  optional 1; documents: the 1,000 skills of the sample (preferred label on the first line, then the
  alternative labels and the description). ESCO has no published split: an occupation goes to dev
  when the first 8 hex digits of SHA-256("esco-split-v1:" + its ESCO URI) are even, else to test (the
  same recipe as jobtag-split.csv).

jobtag: 出典：独立行政法人労働政策研究・研修機構（JILPT）作成「職業情報データベース　簡易版数値系ダウンロード
データ　ver.6.01」「職業情報データベース　解説系ダウンロードデータ　ver.6.00」職業情報提供サイト（job tag）
（https://shigoto.mhlw.go.jp/User/download）を加工して作成. ESCO: this uses the ESCO classification of
the European Commission (ESCO v1.1.1, © European Union, Commission Decision 2011/833/EU), a modified
subset converted to CSV by Tabiya (MIT licence); the European Commission does not endorse it.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from pathlib import Path

from bench.harness import RESULTS, ROOT

DATA = ROOT.parent / "shared" / "data"
OUT = RESULTS / "matching-sets"
SPLITS = ("dev", "test")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _write(
    folder: Path,
    docs: list[tuple[str, str]],
    queries: list[tuple[str, str]],
    qrels: list[tuple[str, str, int]],
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, header, rows in (
        ("docs.csv", ("doc_id", "text"), docs),
        ("queries.csv", ("query_id", "text"), queries),
        ("qrels.csv", ("query_id", "doc_id", "grade"), qrels),
    ):
        with (folder / name).open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)
    print(f"{folder.name}: {len(docs)} docs, {len(queries)} queries, {len(qrels)} qrels", file=sys.stderr)


def _occupation_text(row: dict[str, str]) -> str:
    return f"{row['name']}\n{row['description']}"


def jobtag(data: Path, out: Path) -> None:
    folder = data / "jobtag"
    occupations = {r["occupation_id"]: r for r in _read(folder / "jobtag-occupations.csv")}
    split = {r["occupation_id"]: r["split"] for r in _read(folder / "jobtag-split.csv")}
    quals = _read(folder / "jobtag-qualifications-qrels.csv")
    names = sorted({r["qualification_name"] for r in quals})
    qual_id = {name: f"q{i:04d}" for i, name in enumerate(names, start=1)}
    skills = _read(folder / "jobtag-skills-qrels.csv")
    items = sorted({(r["item_id"], r["label"]) for r in skills})
    for s in SPLITS:
        # (a) qualifications
        qrels_a = sorted(
            {
                (r["occupation_id"], qual_id[r["qualification_name"]], 1)
                for r in quals
                if split[r["occupation_id"]] == s
            },
            key=lambda t: (int(t[0]), t[1]),
        )
        ids_a = sorted({q for q, _, _ in qrels_a}, key=int)
        _write(
            out / f"jobtag-a-{s}",
            [(qual_id[n], n) for n in names],
            [(i, _occupation_text(occupations[i])) for i in ids_a],
            qrels_a,
        )
        # (b) skills and knowledge, graded
        qrels_b = sorted(
            (
                (r["occupation_id"], r["item_id"], int(r["grade"]))
                for r in skills
                if split[r["occupation_id"]] == s
            ),
            key=lambda t: (int(t[0]), t[1]),
        )
        ids_b = sorted({q for q, _, _ in qrels_b}, key=int)
        _write(
            out / f"jobtag-b-{s}",
            list(items),
            [(i, _occupation_text(occupations[i])) for i in ids_b],
            qrels_b,
        )


def esco_split(uri: str) -> str:
    digest = hashlib.sha256(f"esco-split-v1:{uri}".encode()).hexdigest()
    return "dev" if int(digest[:8], 16) % 2 == 0 else "test"


def esco(data: Path, out: Path) -> None:
    folder = data / "esco-sample"
    occupations = {r["ID"]: r for r in _read(folder / "occupations.csv")}
    skills = _read(folder / "skills.csv")
    relations = _read(folder / "occupation_skill_relations.csv")
    docs = []
    for r in sorted(skills, key=lambda r: r["ID"]):
        alt = [a for a in r["ALTLABELS"].split("\n") if a and a != r["PREFERREDLABEL"]]
        docs.append((r["ID"], "\n".join([r["PREFERREDLABEL"], *alt, r["DESCRIPTION"]]).strip()))
    grade = {"essential": 2, "optional": 1}
    for s in SPLITS:
        best: dict[tuple[str, str], int] = {}
        for r in relations:
            if esco_split(occupations[r["OCCUPATIONID"]]["ESCOURI"]) == s:
                key = (r["OCCUPATIONID"], r["SKILLID"])
                best[key] = max(best.get(key, 0), grade[r["RELATIONTYPE"]])
        qrels = sorted((o, k, g) for (o, k), g in best.items())
        ids = sorted({o for o, _, _ in qrels})
        queries = [(i, f"{occupations[i]['PREFERREDLABEL']}\n{occupations[i]['DESCRIPTION']}") for i in ids]
        _write(out / f"esco-{s}", docs, queries, qrels)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    built = 0
    for name, build in (("jobtag", jobtag), ("esco-sample", esco)):
        if not (args.data / name).is_dir():
            print(
                f"skipped: shared data not found at {args.data / name} (see shared/data/README.md)",
                file=sys.stderr,
            )
            continue
        build(args.data, args.out)
        built += 1
    return 0 if built else 1


if __name__ == "__main__":
    raise SystemExit(main())
