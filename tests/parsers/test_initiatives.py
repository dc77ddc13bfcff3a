from __future__ import annotations

from parsers.initiatives import classify_field, find_initiative

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
    assert found.field == "cải cách thủ tục hành chính"


def test_the_local_layout_gives_title_on_the_next_line_and_authors() -> None:
    found = find_initiative(LOCAL_LAYOUT)
    assert found is not None
    assert found.title == "Số hoá hồ sơ hộ tịch bằng phần mềm dùng chung"
    assert found.authors == ("Nguyễn Thị Lan", "Trần Văn Bình", "Lê Minh Tâm")
    assert found.field == "xây dựng, phát triển chính quyền điện tử, chính quyền số"


def test_a_document_without_a_title_names_no_initiative() -> None:
    assert find_initiative("Kính gửi: Phòng Nội vụ\nGửi kèm báo cáo tháng 5.") is None


def test_older_wording_of_a_field_is_recognised() -> None:
    assert classify_field("Hiện đại hoá hành chính") == (
        "xây dựng, phát triển chính quyền điện tử, chính quyền số"
    )
    assert classify_field("Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức") == (
        "cải cách chế độ công vụ"
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
