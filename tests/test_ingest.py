"""Ingestion: every file becomes a raw article or a quarantine row with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest import InputFolderError, article_id_for, discover_inputs, ingest

ARTICLE = (
    "Firefighters contained a wildfire north of the city on Tuesday after it burned through "
    "dry brush for three days, officials said. No injuries were reported.\n"
)


def run_ingest(folder: Path):
    return ingest(folder, discover_inputs(folder))


def test_a_missing_folder_is_an_error_not_an_empty_run(tmp_path: Path) -> None:
    with pytest.raises(InputFolderError, match="does not exist"):
        discover_inputs(tmp_path / "missing")


def test_text_files_in_subfolders_become_raw_articles(tmp_path: Path) -> None:
    (tmp_path / "2024" / "12").mkdir(parents=True)
    (tmp_path / "2024" / "12" / "fire.txt").write_text(ARTICLE, encoding="utf-8")
    result = run_ingest(tmp_path)
    assert result.raw_articles["source_path"].tolist() == ["2024/12/fire.txt"]
    assert result.raw_articles["text"].tolist() == [ARTICLE]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \n\t\n", "whitespace_only"),
        ("short.txt", b"Breaking: more soon.", "too_short"),
        ("scan.pdf", b"%PDF-1.7\n" + b"\x00" * 300, "binary"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 300, "binary"),
        ("draft.txt.part", ARTICLE.encode(), "in_progress"),
        (".hidden.txt", ARTICLE.encode(), "hidden"),
    ],
)
def test_bad_inputs_are_quarantined_with_a_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    (tmp_path / name).write_bytes(content)
    result = run_ingest(tmp_path)
    assert result.raw_articles.empty
    assert result.quarantine[["source_path", "reason"]].values.tolist() == [[name, reason]]


def test_an_exact_duplicate_is_kept_once_and_names_the_original(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE, encoding="utf-8")
    result = run_ingest(tmp_path)
    assert result.raw_articles["source_path"].tolist() == ["a.txt"]
    assert result.quarantine["reason"].tolist() == ["duplicate"]
    assert "a.txt" in result.quarantine["detail"].iloc[0]


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16")],
)
def test_unicode_encodings_are_decoded_and_recorded(tmp_path: Path, encoding: str, expected: str) -> None:
    text = ARTICLE + "Le maire de Montréal a salué les pompiers.\n"
    (tmp_path / "a.txt").write_bytes(text.encode(encoding))
    result = run_ingest(tmp_path)
    assert result.raw_articles["text"].tolist() == [text]
    assert result.raw_articles["encoding"].tolist() == [expected]


def test_legacy_single_byte_text_is_decoded(tmp_path: Path) -> None:
    text = ARTICLE + "The café’s owner said the “fire” was close.\n"
    (tmp_path / "a.txt").write_bytes(text.encode("cp1252"))
    result = run_ingest(tmp_path)
    assert result.raw_articles["text"].tolist() == [text]


def test_every_file_is_accounted_for(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run_ingest(tmp_path)
    assert result.discovered == len(result.raw_articles) + len(result.quarantine) == 2


def test_article_ids_depend_only_on_the_text() -> None:
    assert article_id_for(ARTICLE) == article_id_for(str(ARTICLE))
    assert article_id_for(ARTICLE) != article_id_for(ARTICLE + " ")
