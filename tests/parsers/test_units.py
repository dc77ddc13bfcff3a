from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from app.config import load_roster
from parsers.roster import Unit, UnitKind
from parsers.units import UnitNames, issuer_block, signature_block, tokens

ROOT = Path(__file__).resolve().parents[2]
ROSTER = load_roster(ROOT / "units.toml")
NAMES = UnitNames.from_units(ROSTER.units)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("UBND xã Thái Bình", "xa-thai-binh"),
        ("Ủy ban nhân dân xã Thái Bình", "xa-thai-binh"),
        ("Uỷ ban nhân dân xã Hoà Thạnh", "xa-hoa-thanh"),
        (nfd("Uỷ ban nhân dân xã Hoà Thạnh gửi sáng kiến"), "xa-hoa-thanh"),
        ("X. Hòa Hội", "xa-hoa-hoi"),
        ("Văn thư xã Hòa Hội", "xa-hoa-hoi"),
        ("XÃ LONG VĨNH", "xa-long-vinh"),
        ("UBND xa An Co", "xa-an-co"),
        ("Cong chuc VP-TK xa An Co", "xa-an-co"),
        ("TT Châu Thành gửi 02 sáng kiến", "tt-chau-thanh"),
        ("TT. Châu Thành", "tt-chau-thanh"),
        ("UBND thị trấn Châu Thành", "tt-chau-thanh"),
        ("ỦY BAN NHÂN DÂN THỊ TRẤN CHÂU THÀNH", "tt-chau-thanh"),
        ("Phòng Tư pháp huyện Châu Thành", "phong-tu-phap"),
        ("P.Tư pháp", "phong-tu-phap"),
        ("Phòng TC-KH Châu Thành", "phong-tc-kh"),
        ("Phòng Tài chính - Kế hoạch", "phong-tc-kh"),
        ("Phòng TN&MT", "phong-tn-mt"),
        ("P. TNMT", "phong-tn-mt"),
        ("Phòng LĐ-TB&XH huyện", "phong-ld-tbxh"),
        ("Phòng Lao động - Thương binh và Xã hội", "phong-ld-tbxh"),
        ("Phòng VH&TT Châu Thành", "phong-vh-tt"),
        ("Phòng VH & TT Châu Thành", "phong-vh-tt"),
        ("Phòng GD&ĐT Châu Thành", "phong-gd-dt"),
        ("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "phong-gd-dt"),
        ("Phong GD&DT Chau Thanh", "phong-gd-dt"),
        ("Phòng NN&PTNT", "phong-nn-ptnt"),
        ("Phòng KT&HT", "phong-kt-ht"),
        ("Văn phòng HĐND và UBND huyện", "vp-hdnd-ubnd"),
        ("Thanh tra huyện Châu Thành", "thanh-tra"),
        ("Hội Nông dân", "hoi-nong-dan"),
        ("Ủy ban MTTQ Việt Nam huyện Châu Thành", "mttq"),
        ("Ủy ban Mặt trận Tổ quốc Việt Nam huyện", "mttq"),
        ("Chuyên viên Phòng Nội vụ", "phong-noi-vu"),
        ("UBND HUYỆN CHÂU THÀNH PHÒNG TƯ PHÁP", "phong-tu-phap"),
    ],
)
def test_a_unit_is_found_under_each_of_its_spellings(text: str, unit: str) -> None:
    assert NAMES.find(text) == {unit}


@pytest.mark.parametrize(
    "text",
    [
        "Kính gửi: Phòng Nội vụ huyện Châu Thành.",
        "Kinh gui Phong Noi vu,",
        "KÍNH GỬI: PHÒNG NỘI VỤ",
        "Gửi Phòng Nội vụ sáng kiến năm 2024",
        "huyện Châu Thành, tỉnh Tây Ninh",
        "UBND huyện Châu Thành",
        "Châu Thành, ngày 20 tháng 6 năm 2024",
        "thị xã Hòa Thành",
        "UBND thị xã Hòa Thành",
        "thi xa Hoa Thanh",
        "xã Hòa Thành",
        "Hòa Thạnh",
        "Thanh tra",
        "LĐ-TB&XH",
        "Nguyen Van A",
        "Công chức Tư pháp - Hộ tịch",
    ],
)
def test_recipients_districts_and_near_names_name_no_sender(text: str) -> None:
    assert NAMES.find(text) == frozenset()


def test_accented_text_never_matches_by_stripping_marks() -> None:
    # "Hòa Thành" and "Hòa Thạnh" differ only by a tone mark.
    assert NAMES.find("UBND xã Hòa Thành") == frozenset()
    assert NAMES.find("UBND xa Hoa Thanh") == {"xa-hoa-thanh"}


def test_a_sender_line_that_also_names_the_recipient_names_only_the_sender() -> None:
    text = "UBND xã Ninh Điền gửi Phòng Nội vụ báo cáo mô tả sáng kiến"
    assert NAMES.find(text) == {"xa-ninh-dien"}


def test_two_units_in_one_text_are_both_found() -> None:
    assert NAMES.find("UBND xã An Cơ và UBND xã Trí Bình") == {"xa-an-co", "xa-tri-binh"}


def test_variants_come_from_the_roster_name_only() -> None:
    merged = Unit("xa-hoa-hoi-moi", "UBND xã Hòa Hội Mới", UnitKind.COMMUNE, True)
    names = UnitNames.from_units([merged])
    assert names.find("Văn thư UBND xã Hoà Hội Mới") == {"xa-hoa-hoi-moi"}
    assert names.find("UBND xã Thái Bình") == frozenset()


def test_short_forms_written_without_spaces_are_one_token() -> None:
    assert tokens("Phòng TC-KH, GD&ĐT") == ("phòng", "tckh", "gdđt")
    assert tokens("Tài chính - Kế hoạch") == ("tài", "chính", "kế", "hoạch")


@pytest.mark.parametrize(
    ("body", "signature"),
    [
        (
            "Kính gửi Phòng Nội vụ,\n\nNội dung.\n\nTrân trọng.\n--\nVăn thư UBND xã Hòa Hội",
            "Văn thư UBND xã Hòa Hội",
        ),
        ("Nội dung.\nTrân trọng./.\nNguyễn Văn B\nPhòng Y tế", "Nguyễn Văn B\nPhòng Y tế"),
        (
            "Noi dung\n\nTran trong.\n--\nLe Thanh Tung\nCong chuc VP-TK xa An Co",
            "Le Thanh Tung\nCong chuc VP-TK xa An Co",
        ),
        ("Xin chào\nNội dung\nPhòng Tư pháp", "Xin chào\nNội dung\nPhòng Tư pháp"),
        (
            "Chuyển tiếp.\n--\nPhòng Y tế\n---------- Forwarded message ---------\nFrom: UBND xã An Cơ\n--\nUBND xã An Cơ",
            "Phòng Y tế",
        ),
        ("Gửi lại.\n\n> Trân trọng.\n> --\n> UBND xã Trí Bình", "Gửi lại."),
    ],
)
def test_the_signature_block_is_what_follows_the_closing(body: str, signature: str) -> None:
    assert signature_block(body) == signature


@pytest.mark.parametrize(
    ("text", "issuer"),
    [
        (
            "ỦY BAN NHÂN DÂN\nXÃ AN CƠ\n________\nSố: 58/BC-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "ỦY BAN NHÂN DÂN XÃ AN CƠ",
        ),
        (
            "UBND HUYỆN CHÂU THÀNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nPHÒNG TƯ PHÁP Độc lập - Tự do - Hạnh phúc",
            "UBND HUYỆN CHÂU THÀNH PHÒNG TƯ PHÁP",
        ),
        ("\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc", ""),
        ("BÁO CÁO MÔ TẢ SÁNG KIẾN\n" + "dòng\n" * 20, ""),
    ],
)
def test_the_issuer_block_is_the_header_before_the_national_motto(text: str, issuer: str) -> None:
    assert issuer_block(text) == issuer


# --- namesakes elsewhere ---------------------------------------------------------

AREA_NAMES = UnitNames.from_units(ROSTER.units, ROSTER.area)


@pytest.mark.parametrize(
    ("text", "foreign"),
    [
        ("UBND thị trấn Châu Thành, huyện Châu Thành, tỉnh Bến Tre", ("tỉnh Bến Tre",)),
        ("UBND xa An Binh, huyen Phu Giao, tinh Binh Duong", ("huyen Phu Giao", "tinh Binh Duong")),
        ("UBND phường 1, thị xã Hòa Thành", ("thị xã Hòa Thành",)),
        ("ỦY BAN NHÂN DÂN THÀNH PHỐ TÂY NINH", ("THÀNH PHỐ TÂY NINH",)),
        ("UBND HUYỆN CHÂU THÀNH\nPHÒNG TƯ PHÁP", ()),
        ("Uỷ ban nhân dân tỉnh Tây Ninh", ()),
        ("Phòng Nội vụ huyện gửi kèm", ()),  # a level word without a name
        ("Kính gửi: UBND tỉnh Long An", ()),  # the addressee is not where the sender is
    ],
)
def test_places_outside_the_roster_area_are_found(text: str, foreign: tuple[str, ...]) -> None:
    assert AREA_NAMES.foreign_places(text) == foreign


def test_without_an_area_no_place_is_foreign() -> None:
    assert NAMES.foreign_places("UBND thị trấn Châu Thành, tỉnh Bến Tre") == ()


def test_the_shipped_roster_is_in_chau_thanh_tay_ninh() -> None:
    assert ROSTER.area == ("huyện Châu Thành", "tỉnh Tây Ninh")
