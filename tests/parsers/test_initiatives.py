from __future__ import annotations

from datetime import date

import pytest

from parsers.initiatives import authors_table, classify_field, find_initiative, first_applied
from parsers.issuer import find_issuer

OFFICIAL_FORM = """ĐƠN YÊU CẦU CÔNG NHẬN SÁNG KIẾN
Kính gửi: Hội đồng sáng kiến huyện Châu Thành
Là tác giả (nhóm tác giả) đề nghị xét công nhận sáng kiến: Ứng dụng mã QR tra cứu thủ tục hành chính tại Bộ phận một cửa
- Chủ đầu tư tạo ra sáng kiến: UBND xã Thái Bình
- Lĩnh vực áp dụng sáng kiến: Cải cách thủ tục hành chính
- Ngày sáng kiến được áp dụng lần đầu hoặc áp dụng thử: 01/3/2024
"""

LOCAL_LAYOUT = """BÁO CÁO MÔ TẢ SÁNG KIẾN
1. Tên sáng kiến:
Số hoá hồ sơ hộ tịch bằng phần mềm dùng chung
2. Tác giả: Nguyễn Thị Lan, Trần Văn Bình và Lê Minh Tâm
3. Lĩnh vực áp dụng sáng kiến: xây dựng chính quyền điện tử, chính quyền số
"""


def test_the_official_form_gives_title_and_field() -> None:
    found = find_initiative(OFFICIAL_FORM)
    assert found is not None
    assert found.title == ("Ứng dụng mã QR tra cứu thủ tục hành chính tại Bộ phận một cửa")
    assert found.field == "Cải cách thủ tục hành chính"


def test_the_local_layout_gives_title_on_the_next_line_and_authors() -> None:
    found = find_initiative(LOCAL_LAYOUT)
    assert found is not None
    assert found.title == "Số hoá hồ sơ hộ tịch bằng phần mềm dùng chung"
    assert found.authors == ("Nguyễn Thị Lan", "Trần Văn Bình", "Lê Minh Tâm")
    assert found.field == "Xây dựng, phát triển Chính phủ điện tử, Chính phủ số"


def test_a_document_without_a_title_names_no_initiative() -> None:
    assert find_initiative("Kính gửi: Phòng Nội vụ\nGửi kèm báo cáo tháng 5.") is None


def test_older_wording_of_a_field_is_recognised() -> None:
    assert classify_field("Hiện đại hoá hành chính") == (
        "Xây dựng, phát triển Chính phủ điện tử, Chính phủ số"
    )
    assert classify_field("Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức") == (
        "Cải cách chế độ công vụ"
    )


def test_a_title_wrapped_over_lines_by_a_pdf_is_joined() -> None:
    text = (
        "1. Tên sáng kiến: Xây dựng bảng theo dõi điện tử dùng chung để rà soát, hệ\n"
        "thống hóa văn bản quy phạm pháp luật cấp xã\n"
        "2. Tác giả: Nguyễn Văn Hùng\n"
    )
    found = find_initiative(text)
    assert found is not None
    assert found.title == (
        "Xây dựng bảng theo dõi điện tử dùng chung để rà soát, hệ thống hóa văn bản quy phạm pháp luật cấp xã"
    )
    assert found.authors == ("Nguyễn Văn Hùng",)


def test_the_paragraph_after_a_title_is_not_part_of_it() -> None:
    text = "Tên giải pháp: Tổ Zalo hỗ trợ người dân\nMô tả: tổ gồm 5 công chức\n"
    found = find_initiative(text)
    assert found is not None
    assert found.title == "Tổ Zalo hỗ trợ người dân"


# Issuer, authors table and first-applied date (official form and local layouts).


@pytest.mark.parametrize(
    ("header", "issuer"),
    [
        (
            "UBND HUYỆN CHÂU THÀNH\nPHÒNG TƯ PHÁP\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "PHÒNG TƯ PHÁP",
        ),
        (
            "ỦY BAN NHÂN DÂN\nXÃ AN CƠ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "ỦY BAN NHÂN DÂN XÃ AN CƠ",
        ),
        ("UỶ BAN NHÂN DÂN\nTHỊ TRẤN CHÂU THÀNH\n", "UỶ BAN NHÂN DÂN THỊ TRẤN CHÂU THÀNH"),
        # A header table read row by row interleaves the two columns.
        (
            "UBND HUYỆN CHÂU THÀNH\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nPHÒNG Y TẾ\nĐộc lập - Tự do - Hạnh phúc",
            "PHÒNG Y TẾ",
        ),
        # A PDF runs the two columns together on one line.
        (
            "UBND HUYỆN CHÂU THÀNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nPHÒNG NỘI VỤ Độc lập - Tự do - Hạnh phúc",
            "PHÒNG NỘI VỤ",
        ),
        ("HUYỆN ĐOÀN CHÂU THÀNH\nSố: 12/HĐ", "HUYỆN ĐOÀN CHÂU THÀNH"),
        ("Kính gửi: Phòng Nội vụ\nỦY BAN NHÂN DÂN", None),
        ("Gửi kèm báo cáo tháng 5.", None),
    ],
)
def test_the_issuer_is_read_from_the_top_left_header_block(header: str, issuer: str | None) -> None:
    assert find_issuer(header + "\nSố: 45/ĐYC\nĐƠN YÊU CẦU CÔNG NHẬN SÁNG KIẾN") == issuer


OFFICIAL_WITH_TABLE = """UBND HUYỆN CHÂU THÀNH
PHÒNG TƯ PHÁP
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
ĐƠN YÊU CẦU CÔNG NHẬN SÁNG KIẾN
Kính gửi: Hội đồng sáng kiến huyện Châu Thành
Tôi (chúng tôi):
Số TT
Họ và tên
Ngày tháng năm sinh
Nơi công tác
Tỷ lệ (%) đóng góp
1
Nguyễn Thị Lan
12/3/1985
Phòng Tư pháp
60%
2
Trần Văn Bình
02/9/1990
Phòng Tư pháp
40%
Là tác giả (nhóm tác giả) đề nghị xét công nhận sáng kiến: Số hóa hồ sơ chứng thực
- Lĩnh vực áp dụng sáng kiến: Cải cách thủ tục hành chính
- Ngày sáng kiến được áp dụng lần đầu hoặc áp dụng thử: 15/3/2024
"""


def test_the_official_form_gives_authors_from_its_table_issuer_and_first_applied_date() -> None:
    found = find_initiative(OFFICIAL_WITH_TABLE)
    assert found is not None
    assert found.authors == ("Nguyễn Thị Lan", "Trần Văn Bình")
    assert found.issuer == "PHÒNG TƯ PHÁP"
    assert found.first_applied == date(2024, 3, 15)


def test_an_authors_table_printed_to_pdf_gives_one_row_per_line() -> None:
    text = (
        "Số TT Họ và tên Ngày tháng năm sinh Nơi công tác\n"
        "1 Nguyễn Thị Lan 12/3/1985 Phòng Tư pháp 60%\n"
        "2 Trần Văn Bình 02/9/1990 Phòng Tư pháp 40%\n"
        "Là tác giả (nhóm tác giả) đề nghị xét công nhận sáng kiến: X\n"
    )
    assert authors_table(text) == ("Nguyễn Thị Lan", "Trần Văn Bình")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- Ngày sáng kiến được áp dụng lần đầu hoặc áp dụng thử: 01/3/2024", date(2024, 3, 1)),
        (
            "- Ngày sáng kiến được áp dụng lần đầu hoặc áp dụng thử: ngày 15 tháng 3 năm 2024",
            date(2024, 3, 15),
        ),
        ("4. Thời gian áp dụng lần đầu: tháng 02 năm 2024", date(2024, 2, 1)),
        ("4. Thời gian áp dụng lần đầu: 02/2024", date(2024, 2, 1)),
        ("Ngày áp dụng lần đầu: 31/02/2024", None),
        ("Ngày áp dụng lần đầu: chưa áp dụng", None),
        ("Kính gửi: Phòng Nội vụ", None),
    ],
)
def test_the_first_applied_date_is_read_in_its_usual_wordings(
    line: str, expected: date | None
) -> None:
    assert first_applied(line + "\n") == expected


def test_a_document_without_issuer_authors_or_date_still_has_its_title() -> None:
    found = find_initiative("Tên sáng kiến: Tổ Zalo hỗ trợ người dân\n")
    assert found is not None
    assert (found.authors, found.issuer, found.first_applied) == ((), None, None)


def test_authors_listed_below_the_label_drop_their_roles() -> None:
    text = (
        "1. Tên sáng kiến: Tổ Zalo hỗ trợ người dân\n"
        "2. Tác giả:\n"
        "- Phạm Quốc Bảo - Trưởng phòng, Phòng Tư pháp\n"
        "- Nguyễn Thị Thu Trang - Chuyên viên, Phòng Tư pháp\n"
        "3. Lĩnh vực áp dụng sáng kiến: cải cách thủ tục hành chính\n"
    )
    found = find_initiative(text)
    assert found is not None
    assert found.authors == ("Phạm Quốc Bảo", "Nguyễn Thị Thu Trang")


def test_the_author_quoted_inside_a_sentence_is_not_an_author_label() -> None:
    text = (
        "Là tác giả (nhóm tác giả) đề nghị xét công nhận sáng kiến: Mã QR thủ tục hành chính\n"
        "- Đánh giá lợi ích thu được do áp dụng sáng kiến theo ý kiến của tác giả:\n"
        "+ Giảm thời gian chờ đợi, đi lại của người dân.\n"
    )
    found = find_initiative(text)
    assert found is not None
    assert found.authors == ()
