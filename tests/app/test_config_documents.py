"""[documents]: who issues and signs the council's documents; every key has a default."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import ConfigError, DocumentsConfig, load_config, load_roster
from app.documents import letterhead, place_name
from tests.app.test_config import ROOT, write_config

SHIPPED = "[documents]\n# Who issues"


def without_documents(folder: Path, table: str = "") -> Path:
    """Write the shipped configuration with ``table`` in place of its [documents]."""
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    head, found, _ = text.partition(SHIPPED)
    assert found
    path = write_config(folder)
    path.write_text(head + table, encoding="utf-8")
    return path


def test_the_shipped_configuration_names_the_phong_noi_vu_of_chau_thanh() -> None:
    documents = load_config(ROOT / "config.toml").documents
    assert (documents.issuer, documents.parent, documents.place) == (
        "Phòng Nội vụ",
        "UBND huyện Châu Thành",
        "Châu Thành",
    )
    assert documents.recipients == ("UBND huyện (b/c);", "Lưu: VT, PNV.")


def test_without_the_table_the_parent_and_place_come_from_the_rosters_area(
    tmp_path: Path,
) -> None:
    config = load_config(without_documents(tmp_path))
    assert config.documents == DocumentsConfig()
    made = letterhead(config.documents, load_roster(config.units_file))
    assert (made.parent, made.issuer, made.place) == (
        "UBND huyện Châu Thành",
        "Phòng Nội vụ",
        "Châu Thành",
    )
    assert (made.number_suffix, made.signer_capacity, made.recipients) == (
        "BC-PNV",
        "Trưởng phòng",
        ("Lưu: VT.",),
    )


def test_keys_given_are_kept_in_nfc(tmp_path: Path) -> None:
    table = (
        '[documents]\nissuer = "Phòng Nô\u0323i vu\u0323"\nsigner_name = "Trần Thị B"\n'
        'recipients = ["Sở Nội vụ (b/c);"]\nnumber_suffix = "BC-NV"\n'
    )
    documents = load_config(without_documents(tmp_path, table)).documents
    assert documents.issuer == "Phòng Nội vụ"
    assert (documents.signer_name, documents.recipients, documents.number_suffix) == (
        "Trần Thị B",
        ("Sở Nội vụ (b/c);",),
        "BC-NV",
    )


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            '[documents]\nsigner = "X"\n',
            "[documents]: khóa `signer` không hợp lệ — có phải ý bạn là `signer_name`?",
        ),
        ('[documents]\nissuer = ""\n', "[documents].issuer: phải là một chuỗi không rỗng"),
        ('[documents]\nplace = "a\\nb"\n', "[documents].place: phải nằm trên một dòng"),
        ('[documents]\nrecipients = "Lưu: VT."\n', "[documents].recipients: cần một danh sách"),
        ("[documents]\nsigner_name = 5\n", "[documents].signer_name: phải là một chuỗi một dòng"),
    ],
)
def test_a_wrong_key_is_refused_naming_it(tmp_path: Path, table: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(without_documents(tmp_path, table))
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("area", "place"),
    [
        ("huyện Châu Thành", "Châu Thành"),
        ("thành phố Tây Ninh", "Tây Ninh"),
        ("Thị xã Hòa Thành", "Hòa Thành"),
        ("Châu Thành", "Châu Thành"),
    ],
)
def test_the_place_is_the_areas_name_without_its_level(area: str, place: str) -> None:
    assert place_name(area) == place
