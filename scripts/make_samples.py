"""Generate the sample mails used by the tests and the demo.

Writes ``tests/data/mail/NN-slug.eml``, ``tests/data/mail/manifest.toml`` and
``demo/addresses.toml``.  Everything is fictitious (people, addresses,
document numbers) and everything is deterministic: Message-IDs, dates, MIME
boundaries, docx zip timestamps and core properties, and the PDF creation date
are fixed, so running the generator twice gives byte-identical files.  The
committed files are checked against a fresh run by
``tests/scripts/test_make_samples.py``: change this script, never the output.

Usage::

    python -m scripts.make_samples [--out DIR] [--demo DIR]
"""

from __future__ import annotations

import argparse
import html
import io
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Literal

import docx
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from fpdf import FPDF
from fpdf.enums import XPos, YPos

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "tests" / "data" / "mail"
DEFAULT_DEMO = REPO / "demo"

ICT = timezone(timedelta(hours=7))  # Asia/Ho_Chi_Minh: UTC+7, no DST
WINDOW_START = datetime(2024, 5, 15, 0, 0, tzinfo=ICT)  # from 15/5/2024
WINDOW_END = datetime(2024, 6, 26, 0, 0, tzinfo=ICT)  # to the end of 25/6/2024 (exclusive)

INBOX = "phongnv-cth@tayninh.gov.vn"
INBOX_NAME = "Phòng Nội vụ huyện Châu Thành"
MX = "mail.tayninh.gov.vn"

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
PDF_TYPE = ("application", "pdf")

MAX_ATTACHMENT = 60 * 1024

# The six reform fields (Nghị quyết 76/NQ-CP; last one in its local wording).
F_THE_CHE = "cải cách thể chế"
F_TTHC = "cải cách thủ tục hành chính"
F_BO_MAY = "cải cách tổ chức bộ máy hành chính nhà nước"
F_CONG_VU = "cải cách chế độ công vụ"
F_TAI_CHINH = "cải cách tài chính công"
F_CQS = "xây dựng, phát triển chính quyền điện tử, chính quyền số"

Kind = Literal["submission", "no_document", "auto_reply", "unknown_sender"]
Timing = Literal["early", "on_time", "late"]


# --------------------------------------------------------------------------
# Data model
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Author:
    name: str
    born: str
    workplace: str
    position: str
    qualification: str
    share: str


@dataclass(frozen=True)
class Initiative:
    title: str
    reform_field: str
    authors: tuple[Author, ...]
    first_applied: str
    investor: str
    description: tuple[str, ...]
    conditions: str
    benefits: tuple[str, ...]
    spread: str


@dataclass(frozen=True)
class Issuer:
    """Top-left block of the header and the signature of the document."""

    parent: str  # "UBND HUYỆN CHÂU THÀNH" / "ỦY BAN NHÂN DÂN" / "" (a private person)
    body: str  # "PHÒNG TƯ PHÁP" / "XÃ AN CƠ" / ""
    number: str  # "Số: 45/BC-PTP" / ""
    place_date: str  # "Châu Thành, ngày 28 tháng 5 năm 2024"
    signer_role: tuple[str, ...]  # e.g. ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    signer_name: str


@dataclass(frozen=True)
class Doc:
    filename: str
    fmt: Literal["docx", "pdf"]
    layout: Literal["form", "report"]  # TT 18/2013 application form | local description
    issuer: Issuer
    initiative: Initiative
    written: datetime  # core properties / PDF creation date


@dataclass(frozen=True)
class Sample:
    file: str
    received_at: datetime
    date_header: datetime
    true_unit: str
    kind: Kind
    from_name: str
    from_addr: str
    official: bool  # an invented official address that goes into demo/addresses.toml
    subject: str
    body: str
    message_id: str
    boundary: str
    received: str  # the receiving server's Received: header, without the date
    to_name: str = ""
    html_boundary: str = ""  # non-empty: text/plain + text/html alternative (webmail)
    documents: tuple[Doc, ...] = ()
    extra_headers: tuple[tuple[str, str], ...] = ()
    nfd: bool = False  # subject, display name, body and filenames in NFD (macOS mailer)

    @property
    def timing(self) -> Timing:
        if self.received_at < WINDOW_START:
            return "early"
        if self.received_at < WINDOW_END:
            return "on_time"
        return "late"

    @property
    def titles(self) -> list[str]:
        return [d.initiative.title for d in self.documents]


@dataclass
class Output:
    files: dict[str, bytes] = field(default_factory=dict)  # name -> content, in out_dir
    demo: dict[str, bytes] = field(default_factory=dict)  # name -> content, in demo_dir


def at(text: str) -> datetime:
    """Parse an ISO date-time that carries its own offset."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset")
    return value


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def received_via(helo: str, ip: str, queue_id: str, auth: bool = False) -> str:
    how = "ESMTPSA" if auth else "ESMTPS"
    rdns = "unknown" if helo.startswith("[") else helo
    return f"from {helo} ({rdns} [{ip}]) by {MX} (Postfix) with {how} id {queue_id} for <{INBOX}>"


# --------------------------------------------------------------------------
# Document contents (all people fictitious)
# --------------------------------------------------------------------------

TB = "UBND xã Thái Bình"
A_LINH = Author(
    "Trần Thị Mỹ Linh",
    "12/8/1990",
    TB,
    "Công chức Văn phòng - Thống kê",
    "Đại học Hành chính học",
    "60%",
)
A_HUNG = Author("Lê Văn Hùng", "05/3/1984", TB, "Phó Chủ tịch UBND xã", "Đại học Luật", "40%")

QR_TITLE = (
    "Ứng dụng mã QR để tra cứu thủ tục hành chính và tình trạng hồ sơ "
    "tại Bộ phận Một cửa xã Thái Bình"
)
QR_DESCRIPTION = (
    "Trước đây, người dân đến Bộ phận Một cửa xã phải hỏi trực tiếp công chức về thành phần hồ "
    "sơ, thời hạn giải quyết và lệ phí của từng thủ tục; nhiều trường hợp phải đi lại nhiều lần "
    "do hồ sơ chưa đầy đủ, nhất là người lao động làm việc tại các khu công nghiệp.",
    "Sáng kiến lập mã QR cho 126 thủ tục hành chính thuộc thẩm quyền giải quyết của UBND xã; mỗi "
    "mã dẫn đến trang hướng dẫn trên Cổng Dịch vụ công quốc gia và biểu mẫu điện tử tương ứng. "
    "Các mã QR được in, ép nhựa và niêm yết tại Bộ phận Một cửa và nhà văn hóa các ấp. Người dân "
    "chỉ cần dùng điện thoại thông minh quét mã để xem hướng dẫn, tải biểu mẫu, nộp hồ sơ trực "
    "tuyến và tra cứu tình trạng giải quyết hồ sơ bằng mã số trên giấy biên nhận.",
)
QR_V1 = Initiative(
    title=QR_TITLE,
    reform_field=F_TTHC,
    authors=(A_LINH, A_HUNG),
    first_applied="ngày 01 tháng 3 năm 2024",
    investor="Không (sáng kiến do tác giả tự thực hiện)",
    description=(
        *QR_DESCRIPTION,
        "Từ tháng 3 đến tháng 5 năm 2024 đã có hơn 1.200 lượt quét mã.",
    ),
    conditions=(
        "Điện thoại thông minh có kết nối Internet; máy in để in, cập nhật mã QR khi thủ tục "
        "thay đổi."
    ),
    benefits=(
        "Giảm thời gian chờ đợi, đi lại của người dân; tăng tỷ lệ hồ sơ nộp trực tuyến.",
        "Góp phần nâng cao Chỉ số hài lòng của người dân (SIPAS) và Chỉ số CCHC của xã.",
    ),
    spread="Chi phí thấp, dễ thực hiện, có thể nhân rộng ra các xã, thị trấn trong huyện.",
)
QR_V2 = Initiative(
    title=QR_TITLE,
    reform_field=F_TTHC,
    authors=(
        Author(A_LINH.name, A_LINH.born, TB, A_LINH.position, A_LINH.qualification, "70%"),
        Author(A_HUNG.name, A_HUNG.born, TB, A_HUNG.position, A_HUNG.qualification, "30%"),
    ),
    first_applied="ngày 04 tháng 3 năm 2024",
    investor="Không (sáng kiến do tác giả tự thực hiện)",
    description=(
        *QR_DESCRIPTION,
        "Từ tháng 3 đến tháng 5 năm 2024 đã có hơn 1.400 lượt quét mã; số hồ sơ phải bổ sung, "
        "hoàn thiện giảm khoảng 35% so với cùng kỳ năm 2023.",
    ),
    conditions=QR_V1.conditions,
    benefits=QR_V1.benefits,
    spread=QR_V1.spread,
)

TU_PHAP = Initiative(
    title=(
        "Xây dựng bảng theo dõi điện tử dùng chung để rà soát, hệ thống hóa văn bản quy phạm "
        "pháp luật cấp xã"
    ),
    reform_field=F_THE_CHE,
    authors=(
        Author(
            "Phạm Quốc Bảo", "20/11/1979", "Phòng Tư pháp", "Trưởng phòng", "Thạc sĩ Luật", "50%"
        ),
        Author(
            "Nguyễn Thị Thu Trang",
            "03/7/1992",
            "Phòng Tư pháp",
            "Chuyên viên",
            "Cử nhân Luật",
            "50%",
        ),
    ),
    first_applied="tháng 01 năm 2024",
    investor="Không",
    description=(
        "Công tác rà soát, hệ thống hóa văn bản quy phạm pháp luật do HĐND, UBND cấp xã ban hành "
        "trước đây thực hiện thủ công: mỗi xã, thị trấn lập danh mục trên giấy, gửi về Phòng Tư "
        "pháp tổng hợp vào cuối năm. Việc theo dõi văn bản hết hiệu lực, văn bản cần sửa đổi, bổ "
        "sung không kịp thời, số liệu giữa các kỳ báo cáo thường không khớp.",
        "Sáng kiến xây dựng một bảng tính trực tuyến dùng chung, mỗi văn bản là một dòng với các "
        "cột: số, ký hiệu, ngày ban hành, trích yếu, căn cứ pháp lý, tình trạng hiệu lực, kết quả "
        "rà soát và kiến nghị xử lý. Công chức Tư pháp - Hộ tịch cấp xã cập nhật ngay khi văn bản "
        "được ban hành hoặc khi văn bản cấp trên làm căn cứ thay đổi; Phòng Tư pháp theo dõi, "
        "nhắc việc và kiểm tra trực tiếp trên bảng.",
        "Bảng được chia quyền theo từng xã, thị trấn; có định dạng có điều kiện để tô màu các văn "
        "bản đến hạn rà soát và các văn bản có căn cứ pháp lý đã hết hiệu lực. Dữ liệu được xuất "
        "ra mẫu báo cáo định kỳ theo quy định mà không phải nhập lại.",
    ),
    conditions=(
        "Tài khoản dùng chung do Phòng Tư pháp quản lý; công chức được tập huấn sử dụng bảng tính "
        "trực tuyến."
    ),
    benefits=(
        "Rút ngắn thời gian tổng hợp báo cáo rà soát từ khoảng 10 ngày xuống còn 02 ngày.",
        "Phát hiện kịp thời 17 văn bản có căn cứ pháp lý đã hết hiệu lực để kiến nghị xử lý.",
        "Góp phần nâng cao điểm Chỉ số CCHC ở lĩnh vực xây dựng và tổ chức thi hành pháp luật.",
    ),
    spread=(
        "Có thể áp dụng cho việc theo dõi văn bản của các phòng, ban chuyên môn thuộc UBND huyện."
    ),
)

AN_CO = Initiative(
    title=(
        "Thành lập nhóm Zalo “Công dân số xã An Cơ” hướng dẫn người dân nộp hồ sơ dịch vụ công "
        "trực tuyến"
    ),
    reform_field=F_CQS,
    authors=(
        Author(
            "Võ Thị Ngọc Hân",
            "14/02/1993",
            "UBND xã An Cơ",
            "Công chức Văn hóa - Xã hội",
            "Đại học",
            "50%",
        ),
        Author(
            "Lê Thanh Tùng",
            "27/9/1990",
            "UBND xã An Cơ",
            "Công chức Văn phòng - Thống kê",
            "Đại học",
            "50%",
        ),
    ),
    first_applied="ngày 15 tháng 01 năm 2024",
    investor="Không",
    description=(
        "Nhiều người dân trên địa bàn xã chưa quen với việc nộp hồ sơ trên Cổng Dịch vụ công, "
        "thường gặp khó khăn khi đăng nhập bằng tài khoản định danh điện tử, khi chụp và đính kèm "
        "giấy tờ hoặc khi thanh toán phí, lệ phí trực tuyến.",
        "Sáng kiến thành lập nhóm Zalo “Công dân số xã An Cơ”, mỗi ấp có một thành viên Tổ công "
        "nghệ số cộng đồng làm quản trị viên. Công chức Bộ phận một cửa đăng video ngắn hướng dẫn "
        "từng bước các thủ tục thường gặp (đăng ký khai sinh, chứng thực, xác nhận tình trạng hôn "
        "nhân) và trả lời câu hỏi của người dân trong giờ hành chính.",
    ),
    conditions="Điện thoại thông minh có cài đặt Zalo; Tổ công nghệ số cộng đồng ở các ấp.",
    benefits=(
        "Sau 05 tháng, nhóm có hơn 900 thành viên; tỷ lệ hồ sơ nộp trực tuyến của xã tăng từ 38% "
        "lên 71%.",
    ),
    spread="Dễ áp dụng, không tốn kinh phí, có thể nhân rộng ở các xã, thị trấn.",
)

TC_KH = Initiative(
    title=(
        "Số hóa hồ sơ thanh toán, quyết toán vốn đầu tư công và theo dõi tiến độ giải ngân trên "
        "bảng tính dùng chung"
    ),
    reform_field=F_TAI_CHINH,
    authors=(
        Author(
            "Đặng Minh Khoa",
            "09/01/1982",
            "Phòng Tài chính - Kế hoạch",
            "Phó Trưởng phòng",
            "Thạc sĩ Kinh tế",
            "60%",
        ),
        Author(
            "Huỳnh Thị Bích Ngọc",
            "22/6/1994",
            "Phòng Tài chính - Kế hoạch",
            "Chuyên viên",
            "Cử nhân Kế toán",
            "40%",
        ),
    ),
    first_applied="ngày 02 tháng 01 năm 2024",
    investor="Không",
    description=(
        "Hồ sơ thanh toán, quyết toán vốn đầu tư công của các dự án do huyện quản lý được lưu "
        "bằng giấy tại nhiều nơi, việc tra cứu khi thẩm tra quyết toán và khi báo cáo tiến độ "
        "giải ngân mất nhiều thời gian.",
        "Sáng kiến quét và lưu trữ hồ sơ theo từng dự án, đặt tên tệp thống nhất theo mã dự án và "
        "số chứng từ; đồng thời lập bảng tính dùng chung theo dõi kế hoạch vốn, giá trị đã giải "
        "ngân và tỷ lệ giải ngân của từng chủ đầu tư, cập nhật hằng tuần.",
    ),
    conditions="Máy quét tài liệu; dung lượng lưu trữ trên hệ thống của huyện.",
    benefits=(
        "Thời gian tra cứu hồ sơ giảm rõ rệt; số liệu giải ngân được báo cáo kịp thời cho Thường "
        "trực UBND huyện mỗi tuần.",
    ),
    spread="Có thể áp dụng cho các chủ đầu tư và Ban Quản lý dự án.",
)

HOA_HOI = Initiative(
    title="Bố trí khu vực hỗ trợ người dân nộp hồ sơ trực tuyến tại Bộ phận một cửa xã Hòa Hội",
    reform_field=F_TTHC,
    authors=(
        Author(
            "Trương Văn Lợi",
            "17/4/1986",
            "UBND xã Hòa Hội",
            "Phó Chủ tịch UBND xã",
            "Đại học",
            "50%",
        ),
        Author(
            "Đoàn Thị Kim Yến",
            "30/10/1995",
            "UBND xã Hòa Hội",
            "Công chức Tư pháp - Hộ tịch",
            "Đại học Luật",
            "50%",
        ),
    ),
    first_applied="ngày 01 tháng 4 năm 2024",
    investor="UBND xã Hòa Hội",
    description=(
        "Sáng kiến sắp xếp lại Bộ phận một cửa, dành một khu vực có máy tính, máy quét và wifi "
        "miễn phí để người dân tự nộp hồ sơ trực tuyến với sự hỗ trợ của đoàn viên thanh niên "
        "tình nguyện.",
        "Quầy hỗ trợ có bảng hướng dẫn các bước đăng nhập Cổng Dịch vụ công bằng tài khoản VNeID, "
        "chụp giấy tờ và thanh toán lệ phí trực tuyến.",
    ),
    conditions="01 máy tính, 01 máy quét, đường truyền Internet; đoàn viên thanh niên hỗ trợ.",
    benefits=("Tỷ lệ hồ sơ trực tuyến toàn trình tăng; người dân hài lòng hơn khi đến giao dịch.",),
    spread="Có thể nhân rộng tại các xã có điều kiện tương tự.",
)

LONG_VINH = Initiative(
    title=(
        "Phân công cán bộ, công chức phụ trách từng ấp hỗ trợ người dân kích hoạt tài khoản định "
        "danh điện tử mức độ 2 và sử dụng ứng dụng VNeID"
    ),
    reform_field=F_CQS,
    authors=(
        Author(
            "Lâm Hoàng Phúc",
            "11/12/1983",
            "UBND xã Long Vĩnh",
            "Phó Chủ tịch UBND xã",
            "Đại học",
            "50%",
        ),
        Author(
            "Cao Thị Diễm",
            "25/5/1991",
            "UBND xã Long Vĩnh",
            "Công chức Văn phòng - Thống kê",
            "Đại học",
            "50%",
        ),
    ),
    first_applied="ngày 10 tháng 01 năm 2024",
    investor="Không",
    description=(
        "UBND xã phân công mỗi cán bộ, công chức phụ trách một ấp, phối hợp với Công an xã và Tổ "
        "công nghệ số cộng đồng đến từng hộ hướng dẫn kích hoạt tài khoản định danh điện tử mức "
        "độ 2.",
        "Cán bộ phụ trách ấp lập danh sách hộ chưa kích hoạt, hẹn lịch hỗ trợ vào buổi tối và "
        "ngày nghỉ, hướng dẫn sử dụng VNeID để nộp hồ sơ dịch vụ công trực tuyến.",
    ),
    conditions="Sự phối hợp của Công an xã và Tổ công nghệ số cộng đồng.",
    benefits=("Tỷ lệ người dân đủ tuổi có tài khoản định danh điện tử mức độ 2 đạt trên 85%.",),
    spread="Có thể áp dụng ở tất cả các xã, thị trấn.",
)

NINH_DIEN = Initiative(
    title=(
        "Tiếp nhận và trả kết quả giải quyết thủ tục hành chính vào sáng thứ Bảy hằng tuần tại Bộ "
        "phận một cửa xã Ninh Điền"
    ),
    reform_field=F_TTHC,
    authors=(
        Author(
            "Dương Thị Thanh Thúy",
            "08/8/1989",
            "UBND xã Ninh Điền",
            "Công chức Văn phòng - Thống kê",
            "Đại học",
            "50%",
        ),
        Author(
            "Phan Văn Nghĩa", "19/3/1980", "UBND xã Ninh Điền", "Chủ tịch UBND xã", "Đại học", "50%"
        ),
    ),
    first_applied="ngày 06 tháng 01 năm 2024",
    investor="Không",
    description=(
        "Phần lớn người dân trong độ tuổi lao động làm việc tại các doanh nghiệp, không thể đến "
        "Bộ phận một cửa trong giờ hành chính các ngày thường.",
        "UBND xã bố trí công chức luân phiên tiếp nhận và trả kết quả vào sáng thứ Bảy hằng tuần, "
        "thông báo lịch trên loa truyền thanh và trang Zalo của xã.",
    ),
    conditions="Bố trí công chức trực luân phiên, thực hiện chế độ nghỉ bù theo quy định.",
    benefits=("Người lao động không phải nghỉ làm để đi làm thủ tục hành chính.",),
    spread="Có thể áp dụng tại các xã có nhiều người lao động làm việc tại khu công nghiệp.",
)

HO_TICH = Initiative(
    title=(
        "Số hóa sổ hộ tịch lưu trữ giai đoạn 1995 - 2015 phục vụ cấp bản sao trích lục hộ tịch "
        "trực tuyến"
    ),
    reform_field=F_CQS,
    authors=(
        Author(
            "Mai Thị Tuyết Nhung",
            "02/02/1988",
            "UBND thị trấn Châu Thành",
            "Công chức Tư pháp - Hộ tịch",
            "Đại học Luật",
            "70%",
        ),
        Author(
            "Ngô Văn Tài",
            "15/9/1993",
            "UBND thị trấn Châu Thành",
            "Công chức Văn phòng - Thống kê",
            "Đại học",
            "30%",
        ),
    ),
    first_applied="ngày 01 tháng 02 năm 2024",
    investor="Không",
    description=(
        "Sổ hộ tịch giai đoạn 1995 - 2015 lưu bằng giấy, nhiều sổ đã cũ, mờ chữ; mỗi lần cấp bản "
        "sao trích lục phải tìm thủ công, mất nhiều thời gian.",
        "Sáng kiến quét toàn bộ sổ, nhập các trường thông tin chính vào cơ sở dữ liệu hộ tịch "
        "điện tử, giúp tra cứu nhanh và cấp bản sao trích lục qua dịch vụ công trực tuyến.",
    ),
    conditions="Máy quét, thời gian ngoài giờ của công chức.",
    benefits=("Thời gian cấp bản sao trích lục giảm từ 01 ngày xuống còn dưới 02 giờ.",),
    spread="Áp dụng được cho các xã còn lưu sổ hộ tịch giấy.",
)

DANH_GIA = Initiative(
    title=(
        "Đánh giá, xếp loại cán bộ, công chức thị trấn hằng tháng gắn với kết quả khảo sát sự hài "
        "lòng của người dân"
    ),
    reform_field=F_CONG_VU,
    authors=(
        Author(
            "Bùi Văn Trọng",
            "06/6/1978",
            "UBND thị trấn Châu Thành",
            "Chủ tịch UBND thị trấn",
            "Thạc sĩ Quản lý công",
            "60%",
        ),
        Author(
            "Ngô Văn Tài",
            "15/9/1993",
            "UBND thị trấn Châu Thành",
            "Công chức Văn phòng - Thống kê",
            "Đại học",
            "40%",
        ),
    ),
    first_applied="tháng 10 năm 2023",
    investor="Không",
    description=(
        "Việc đánh giá, xếp loại cán bộ, công chức trước đây chủ yếu thực hiện vào cuối năm, dựa "
        "trên bản tự nhận xét, chưa phản ánh đầy đủ kết quả thực hiện nhiệm vụ và thái độ phục vụ "
        "người dân trong từng tháng.",
        "Sáng kiến áp dụng phiếu đánh giá hằng tháng gồm các tiêu chí: khối lượng, chất lượng, "
        "tiến độ công việc được giao; số hồ sơ giải quyết trễ hạn; kết quả khảo sát sự hài lòng "
        "của người dân qua mã QR đặt tại Bộ phận một cửa. Phiếu do công chức tự chấm, người phụ "
        "trách trực tiếp nhận xét và Chủ tịch UBND thị trấn quyết định xếp loại.",
        "Kết quả đánh giá hằng tháng được công khai trong cuộc họp giao ban và là căn cứ để đánh "
        "giá, xếp loại cuối năm, bình xét thi đua, khen thưởng.",
    ),
    conditions="Bộ tiêu chí được thống nhất trong tập thể; phần mềm khảo sát sự hài lòng miễn phí.",
    benefits=(
        "Tỷ lệ hồ sơ giải quyết trễ hạn giảm từ 2,1% xuống còn 0,3%.",
        "Mức độ hài lòng của người dân qua khảo sát đạt trên 95%.",
        "Cán bộ, công chức chủ động hơn trong thực hiện nhiệm vụ, tinh thần, thái độ phục vụ được "
        "nâng lên.",
    ),
    spread="Có thể áp dụng tại các xã, thị trấn và các cơ quan chuyên môn thuộc UBND huyện.",
)

HOA_THANH = Initiative(
    title=(
        "Sắp xếp, phân công lại nhiệm vụ công chức xã Hoà Thạnh theo vị trí việc làm, bảo đảm mỗi "
        "lĩnh vực có người phụ trách chính và người dự phòng"
    ),
    reform_field=F_BO_MAY,
    authors=(
        Author(
            "Lý Thị Thuỷ",
            "21/7/1987",
            "Uỷ ban nhân dân xã Hoà Thạnh",
            "Công chức Văn phòng - Thống kê",
            "Đại học",
            "50%",
        ),
        Author(
            "Huỳnh Văn Khoẻ",
            "04/4/1981",
            "Uỷ ban nhân dân xã Hoà Thạnh",
            "Phó Chủ tịch UBND xã",
            "Đại học",
            "50%",
        ),
    ),
    first_applied="ngày 01 tháng 3 năm 2024",
    investor="Không",
    description=(
        "Khi công chức nghỉ phép, đi học hoặc nghỉ việc, một số lĩnh vực bị gián đoạn do không có "
        "người nắm được công việc.",
        "Sáng kiến rà soát bản mô tả vị trí việc làm, phân công mỗi lĩnh vực một người phụ trách "
        "chính và một người dự phòng, lập sổ tay hướng dẫn nghiệp vụ ngắn gọn để bàn giao khi cần.",
    ),
    conditions="Sự thống nhất của Đảng uỷ, Uỷ ban nhân dân xã.",
    benefits=("Không còn tình trạng hồ sơ bị chậm do vắng công chức phụ trách.",),
    spread="Có thể áp dụng ở các xã, thị trấn.",
)

GD_DT = Initiative(
    title=(
        "Tiếp nhận hồ sơ chuyển trường của học sinh qua dịch vụ công trực tuyến và trả kết quả "
        "qua dịch vụ bưu chính công ích"
    ),
    reform_field=F_TTHC,
    authors=(
        Author(
            "Châu Ngọc Kim Thoa",
            "18/01/1982",
            "Phòng Giáo dục và Đào tạo",
            "Chuyên viên",
            "Cử nhân Sư phạm",
            "60%",
        ),
        Author(
            "Trịnh Văn Đức",
            "29/8/1976",
            "Phòng Giáo dục và Đào tạo",
            "Phó Trưởng phòng",
            "Thạc sĩ Quản lý giáo dục",
            "40%",
        ),
    ),
    first_applied="ngày 15 tháng 8 năm 2023",
    investor="Không",
    description=(
        "Thủ tục chuyển trường đối với học sinh trung học cơ sở trước đây phụ huynh phải đến trực "
        "tiếp Phòng Giáo dục và Đào tạo nộp hồ sơ và nhận kết quả, nhiều phụ huynh ở xa phải đi "
        "lại nhiều lần, nhất là vào thời điểm đầu năm học.",
        "Sáng kiến hướng dẫn phụ huynh nộp hồ sơ chuyển trường trên Cổng Dịch vụ công của tỉnh, "
        "kèm bản chụp học bạ và giấy tờ liên quan. Chuyên viên tiếp nhận kiểm tra hồ sơ trong "
        "ngày, phối hợp với nhà trường nơi chuyển đi và nơi chuyển đến để xác nhận, sau đó trả "
        "kết quả qua dịch vụ bưu chính công ích đến tận nhà phụ huynh.",
        "Phòng Giáo dục và Đào tạo đăng tải hướng dẫn bằng hình ảnh trên trang thông tin điện tử "
        "và gửi về các trường để phổ biến cho phụ huynh trong các buổi họp đầu năm.",
    ),
    conditions="Phụ huynh có tài khoản định danh điện tử; hợp đồng với bưu điện huyện.",
    benefits=(
        "Năm học 2023 - 2024 đã tiếp nhận 214 hồ sơ trực tuyến, không có hồ sơ trễ hạn.",
        "Phụ huynh không phải đi lại, tiết kiệm thời gian và chi phí.",
        "Góp phần nâng cao tỷ lệ hồ sơ trực tuyến của huyện trong Chỉ số CCHC.",
    ),
    spread="Có thể áp dụng cho các thủ tục khác của ngành giáo dục.",
)

NHAC_VIEC = Initiative(
    title=(
        "Ứng dụng tin nhắn nhắc việc tự động cho công chức một cửa khi hồ sơ sắp đến hạn giải quyết"
    ),
    reform_field=F_CQS,
    authors=(Author("Nguyễn Văn A", "01/01/1990", "", "", "Kỹ sư Công nghệ thông tin", "100%"),),
    first_applied="ngày 01 tháng 4 năm 2024",
    investor="Không",
    description=(
        "Chương trình nhỏ đọc danh sách hồ sơ đang giải quyết được xuất từ hệ thống thông tin "
        "giải quyết thủ tục hành chính, tính số ngày còn lại và gửi tin nhắn nhắc việc cho công "
        "chức phụ trách trước hạn 01 ngày.",
        "Chương trình chạy trên máy tính văn phòng, không cần kết nối với cơ sở dữ liệu của hệ "
        "thống.",
    ),
    conditions="Máy tính có kết nối Internet.",
    benefits=("Giảm số hồ sơ trễ hạn do công chức quên thời hạn giải quyết.",),
    spread="Có thể áp dụng rộng rãi.",
)


# --------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------

DOCX_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def _no_borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    # Respect the schema's child order (CT_TblPr), or Word reports the file as damaged.
    tbl_pr.insert_element_before(
        borders,
        "w:shd",
        "w:tblLayout",
        "w:tblCellMar",
        "w:tblLook",
        "w:tblCaption",
        "w:tblDescription",
        "w:tblPrChange",
    )


def _para(
    container: DocxDocument | _Cell,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    size: float | None = None,
    label: str = "",
) -> Paragraph:
    """Add a paragraph; ``label`` (bold) goes before ``text`` in the same paragraph."""
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(3)
    if label:
        run = paragraph.add_run(label)
        run.bold = True
        if size is not None:
            run.font.size = Pt(size)
    if text:
        run = paragraph.add_run(text)
        run.bold = bold or None
        run.italic = italic or None
        run.underline = underline or None
        if size is not None:
            run.font.size = Pt(size)
    return paragraph


def _first_para(cell: _Cell, text: str, *, bold: bool = False, size: float = 13) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.font.size = Pt(size)


def _cell_line(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: float = 13,
) -> None:
    paragraph = _para(
        cell,
        text,
        bold=bold,
        italic=italic,
        underline=underline,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        size=size,
    )
    paragraph.paragraph_format.space_after = Pt(0)


def _docx_header(document: DocxDocument, issuer: Issuer) -> None:
    """Nghị định 30/2020 header, laid out in a borderless two-column table."""
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    for column, width in zip(table.columns, (Cm(6.5), Cm(9.5)), strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
    left, right = table.rows[0].cells
    if issuer.parent:
        _first_para(left, issuer.parent, size=12)
        _cell_line(left, issuer.body, bold=True, size=12)
        _cell_line(left, "________", bold=True, size=12)
        _cell_line(left, issuer.number, size=13)
    _first_para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    _cell_line(right, "Độc lập - Tự do - Hạnh phúc", bold=True, underline=True)
    _cell_line(right, "")
    _cell_line(right, issuer.place_date, italic=True)
    document.add_paragraph()


def _docx_signature(document: DocxDocument, lines: Sequence[str], name: str) -> None:
    document.add_paragraph()
    for line in lines:
        _para(document, line, bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(document, "(Ký, ghi rõ họ tên)", italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    document.add_paragraph()
    document.add_paragraph()
    _para(document, name, bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)


def _docx_form(document: DocxDocument, doc: Doc) -> None:
    """Đơn yêu cầu công nhận sáng kiến (Phụ lục I, Thông tư 18/2013/TT-BKHCN)."""
    ini = doc.initiative
    _para(
        document,
        "ĐƠN YÊU CẦU CÔNG NHẬN SÁNG KIẾN",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        size=14,
    )
    _para(
        document, "Kính gửi: Hội đồng sáng kiến huyện Châu Thành", align=WD_ALIGN_PARAGRAPH.CENTER
    )
    _para(document, "Tôi (chúng tôi) ghi tên dưới đây:")
    headers = (
        "Số TT",
        "Họ và tên",
        "Ngày tháng năm sinh",
        "Nơi công tác (hoặc nơi thường trú)",
        "Chức danh",
        "Trình độ chuyên môn",
        "Tỷ lệ (%) đóng góp vào việc tạo ra sáng kiến",
    )
    table = document.add_table(rows=1 + len(ini.authors), cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _first_para(cell, text, bold=True, size=11)
    for number, (row, author) in enumerate(zip(table.rows[1:], ini.authors, strict=True), start=1):
        values = (
            str(number),
            author.name,
            author.born,
            author.workplace,
            author.position,
            author.qualification,
            author.share,
        )
        for cell, text in zip(row.cells, values, strict=True):
            _first_para(cell, text, size=11)
    _para(document, ini.title, label="Là tác giả (nhóm tác giả) đề nghị xét công nhận sáng kiến: ")
    _para(document, ini.investor, label="- Chủ đầu tư tạo ra sáng kiến: ")
    _para(document, ini.reform_field, label="- Lĩnh vực áp dụng sáng kiến: ")
    _para(
        document,
        ini.first_applied,
        label="- Ngày sáng kiến được áp dụng lần đầu hoặc áp dụng thử: ",
    )
    _para(document, "", label="- Mô tả bản chất của sáng kiến:")
    for text in ini.description:
        _para(document, text)
    _para(document, "Không", label="- Những thông tin cần được bảo mật (nếu có): ")
    _para(document, ini.conditions, label="- Những điều kiện cần thiết để áp dụng sáng kiến: ")
    _para(
        document,
        "",
        label="- Đánh giá lợi ích thu được do áp dụng sáng kiến theo ý kiến của tác giả:",
    )
    for text in ini.benefits:
        _para(document, f"+ {text}")
    _para(document, ini.spread, label="- Khả năng áp dụng, nhân rộng: ")
    _para(
        document,
        "Tôi (chúng tôi) xin cam đoan mọi thông tin nêu trong đơn là trung thực, đúng sự thật và "
        "hoàn toàn chịu trách nhiệm trước pháp luật.",
    )
    names = ", ".join(a.name for a in ini.authors)
    _docx_signature(document, ("Người nộp đơn",), names)


def _author_line(author: Author) -> str:
    parts = [author.name]
    role = ", ".join(p for p in (author.position, author.workplace) if p)
    if role:
        parts.append(role)
    return " - ".join(parts)


def _docx_report(document: DocxDocument, doc: Doc) -> None:
    ini = doc.initiative
    _para(document, "BÁO CÁO MÔ TẢ SÁNG KIẾN", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=14)
    _para(
        document, "Kính gửi: Hội đồng sáng kiến huyện Châu Thành", align=WD_ALIGN_PARAGRAPH.CENTER
    )
    _para(document, ini.title, label="1. Tên sáng kiến: ")
    _para(document, "", label="2. Tác giả:")
    for author in ini.authors:
        _para(document, f"- {_author_line(author)}")
    _para(document, ini.reform_field, label="3. Lĩnh vực áp dụng sáng kiến: ")
    _para(document, "", label="4. Mô tả bản chất của sáng kiến:")
    for text in ini.description:
        _para(document, text)
    _para(document, ini.first_applied, label="5. Thời gian áp dụng lần đầu: ")
    _para(document, "", label="6. Hiệu quả đạt được:")
    for text in ini.benefits:
        _para(document, f"- {text}")
    _para(document, ini.spread, label="7. Khả năng áp dụng, nhân rộng: ")
    if doc.issuer.signer_role:
        _docx_signature(document, doc.issuer.signer_role, doc.issuer.signer_name)
    else:
        _docx_signature(document, ("NGƯỜI VIẾT SÁNG KIẾN",), doc.issuer.signer_name)


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps and attributes (python-docx stamps 'now')."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=DOCX_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 0
            fixed.external_attr = 0
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def make_docx(doc: Doc) -> bytes:
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)

    _docx_header(document, doc.issuer)
    if doc.layout == "form":
        _docx_form(document, doc)
    else:
        _docx_report(document, doc)

    props = document.core_properties
    props.author = doc.initiative.authors[0].name
    props.last_modified_by = doc.initiative.authors[0].name
    props.title = ""
    props.comments = ""
    props.revision = 3
    props.created = doc.written.astimezone(UTC).replace(tzinfo=None)
    props.modified = (doc.written + timedelta(minutes=47)).astimezone(UTC).replace(tzinfo=None)
    props.last_printed = (doc.written + timedelta(minutes=50)).astimezone(UTC).replace(tzinfo=None)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())


# --------------------------------------------------------------------------
# PDF (local layout, printed to PDF: 2 pages)
# --------------------------------------------------------------------------


def make_pdf(doc: Doc) -> bytes:
    ini, issuer = doc.initiative, doc.issuer
    pdf = FPDF(format="A4")
    pdf.set_creation_date(doc.written)
    pdf.set_author(ini.authors[0].name)
    pdf.set_creator("Microsoft® Word 2016")
    pdf.set_margins(left=30, top=20, right=15)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_font("DejaVu", "", str(FONT_REGULAR))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    pdf.add_page()

    # Header: two columns drawn side by side.
    top = pdf.get_y()
    left_x, left_w = 30.0, 62.0
    right_x, right_w = 92.0, 103.0
    rows_left = [(issuer.parent, ""), (issuer.body, "B"), ("________", "B"), (issuer.number, "")]
    rows_right = [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B"),
        ("Độc lập - Tự do - Hạnh phúc", "B"),
        ("", ""),
        (issuer.place_date, ""),
    ]
    for column_x, width, rows in ((left_x, left_w, rows_left), (right_x, right_w, rows_right)):
        pdf.set_y(top)
        for text, style in rows:
            pdf.set_x(column_x)
            pdf.set_font("DejaVu", style, 9.5)
            pdf.cell(width, 5.5, text, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.ln(8)

    def heading(text: str) -> None:
        pdf.set_font("DejaVu", "B", 13)
        pdf.multi_cell(0, 7, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def labelled(label: str, text: str = "") -> None:
        pdf.set_font("DejaVu", "B", 11)
        pdf.write(6.5, label)
        if text:
            pdf.set_font("DejaVu", "", 11)
            pdf.write(6.5, text)
        pdf.ln(8)

    def paragraph(text: str) -> None:
        pdf.set_font("DejaVu", "", 11)
        pdf.multi_cell(0, 6.5, text, align="J", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)

    heading("BÁO CÁO MÔ TẢ SÁNG KIẾN")
    pdf.set_font("DejaVu", "", 11)
    pdf.multi_cell(
        0,
        6.5,
        "Kính gửi: Hội đồng sáng kiến huyện Châu Thành",
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(3)
    labelled("1. Tên sáng kiến: ", ini.title)
    labelled("2. Tác giả:")
    for author in ini.authors:
        paragraph(f"- {_author_line(author)}")
    labelled("3. Lĩnh vực áp dụng sáng kiến: ", ini.reform_field)
    labelled("4. Mô tả bản chất của sáng kiến:")
    for text in ini.description:
        paragraph(text)
    labelled("5. Thời gian áp dụng lần đầu: ", ini.first_applied)
    labelled("6. Các điều kiện cần thiết để áp dụng: ", ini.conditions)
    labelled("7. Hiệu quả đạt được:")
    for text in ini.benefits:
        paragraph(f"- {text}")
    labelled("8. Khả năng áp dụng, nhân rộng: ", ini.spread)
    pdf.ln(4)
    # Keep "Nơi nhận" and the signature block together, as Word would with "keep with next".
    if pdf.get_y() + 6.5 * (len(issuer.signer_role) + 2) + 18 > pdf.page_break_trigger:
        pdf.add_page()
    top = pdf.get_y()
    pdf.set_font("DejaVu", "B", 9.5)
    pdf.cell(70, 5.5, "Nơi nhận:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 9)
    for line in ("- Hội đồng sáng kiến huyện;", "- Lưu: VT."):
        pdf.cell(70, 5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(top)
    pdf.set_font("DejaVu", "B", 11)
    for line in issuer.signer_role:
        pdf.set_x(110)
        pdf.cell(85, 6.5, line, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 10)
    pdf.set_x(110)
    pdf.cell(85, 6.5, "(Ký, ghi rõ họ tên)", align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.ln(18)
    pdf.set_font("DejaVu", "B", 11)
    pdf.set_x(110)
    pdf.cell(85, 6.5, issuer.signer_name, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)

    if pdf.page != 2:
        raise ValueError(f"{doc.filename}: expected 2 pages, got {pdf.page}")
    return bytes(pdf.output())


# --------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------

SIG_THAI_BINH = "--\nBộ phận Văn thư\nUBND xã Thái Bình, huyện Châu Thành, tỉnh Tây Ninh"


def _samples() -> list[Sample]:
    return [
        Sample(
            file="01-thai-binh-docx.eml",
            received_at=at("2024-06-01T09:12:00+07:00"),
            date_header=at("2024-06-01T09:11:43+07:00"),
            true_unit="xa-thai-binh",
            kind="submission",
            from_name="UBND xã Thái Bình",
            from_addr="vanthu.thaibinh@tayninh.gov.vn",
            official=True,
            to_name=INBOX_NAME,
            subject="Gửi đơn yêu cầu công nhận sáng kiến CCHC năm 2024 - UBND xã Thái Bình",
            body=(
                "Kính gửi: Phòng Nội vụ huyện Châu Thành.\n\n"
                "Thực hiện Kế hoạch phát động sáng kiến, giải pháp cải cách hành chính năm 2024 "
                "của UBND huyện, UBND xã Thái Bình gửi kèm theo đây Đơn yêu cầu công nhận sáng "
                "kiến của xã.\n"
                "Bản giấy có đóng dấu sẽ gửi qua đường văn thư.\n\n"
                "Trân trọng.\n" + SIG_THAI_BINH
            ),
            message_id="<000001dab3c4$5e6f7a80$1b4c6f90$@tayninh.gov.vn>",
            boundary="----=_NextPart_000_0001_01DAB3C4.5E6F7A80",
            received=received_via("[10.20.3.17]", "10.20.3.17", "4VsQk51mZPz1Xc", auth=True),
            extra_headers=(("X-Mailer", "Microsoft Outlook 16.0"),),
            documents=(
                Doc(
                    filename="Đơn yêu cầu công nhận sáng kiến - xã Thái Bình.docx",
                    fmt="docx",
                    layout="form",
                    issuer=Issuer(
                        parent="ỦY BAN NHÂN DÂN",
                        body="XÃ THÁI BÌNH",
                        number="Số: 112/ĐN-UBND",
                        place_date="Thái Bình, ngày 30 tháng 5 năm 2024",
                        signer_role=(),
                        signer_name="",
                    ),
                    initiative=QR_V1,
                    written=at("2024-05-30T14:05:00+07:00"),
                ),
            ),
        ),
        Sample(
            file="02-tu-phap-pdf.eml",
            received_at=at("2024-05-28T14:37:21+07:00"),
            date_header=at("2024-05-28T14:37:05+07:00"),
            true_unit="phong-tu-phap",
            kind="submission",
            from_name="Phòng Tư pháp huyện Châu Thành",
            from_addr="ptp.chauthanh@tayninh.gov.vn",
            official=True,
            subject="Phòng Tư pháp gửi báo cáo mô tả sáng kiến, giải pháp CCHC năm 2024",
            body=(
                "Kính gửi Phòng Nội vụ,\n\n"
                "Phòng Tư pháp gửi Báo cáo mô tả sáng kiến, giải pháp cải cách hành chính năm 2024 "
                "(file PDF đính kèm).\n\n"
                "Trân trọng./.\n--\n"
                "Nguyễn Thị Thu Trang\nChuyên viên Phòng Tư pháp huyện Châu Thành"
            ),
            message_id="<4f1c9a2e-7d3b-4a8e-9c61-2b5e0d8f3a17@tayninh.gov.vn>",
            boundary="------------7kQx2VbN9sLm4TgR1wHc8ZpD",
            received=received_via("[10.20.1.42]", "10.20.1.42", "4VpL8q2hKdz1Wr", auth=True),
            extra_headers=(("User-Agent", "Mozilla Thunderbird"),),
            documents=(
                Doc(
                    filename="BC mô tả sáng kiến CCHC 2024 - P.Tư pháp.pdf",
                    fmt="pdf",
                    layout="report",
                    issuer=Issuer(
                        parent="UBND HUYỆN CHÂU THÀNH",
                        body="PHÒNG TƯ PHÁP",
                        number="Số: 45/BC-PTP",
                        place_date="Châu Thành, ngày 27 tháng 5 năm 2024",
                        signer_role=("TRƯỞNG PHÒNG",),
                        signer_name="Phạm Quốc Bảo",
                    ),
                    initiative=TU_PHAP,
                    written=at("2024-05-27T16:20:00+07:00"),
                ),
            ),
        ),
        Sample(
            file="03-an-co-gmail-khong-dau.eml",
            received_at=at("2024-06-08T20:41:05+07:00"),
            date_header=at("2024-06-08T20:40:58+07:00"),
            true_unit="xa-an-co",
            kind="submission",
            from_name="UBND xa An Co",
            from_addr="thanhtung.le1990@gmail.com",
            official=False,
            subject="Gui sang kien CCHC nam 2024 - xa An Co",
            body=(
                "Kinh gui Phong Noi vu,\n\n"
                "UBND xa An Co gui bao cao mo ta sang kien CCHC nam 2024 (file dinh kem).\n"
                "Do mail xa bi loi nen em gui bang mail ca nhan, mong anh chi thong cam.\n\n"
                "Tran trong.\n--\nLe Thanh Tung\nCong chuc VP-TK xa An Co"
            ),
            message_id="<CAJx7Rk2mVqE3pTn8wYb5LdF0sHc4uZa9KgQ1oNe6iXr2tBv7Wg@mail.gmail.com>",
            boundary="000000000000a1b2c3061a9f5e01",
            html_boundary="000000000000a1b2c1061a9f5dff",
            received=received_via("mail-pj1-f45.google.com", "203.0.113.45", "4VxR3n0GTbz1Yd"),
            documents=(
                Doc(
                    filename="SANG KIEN AN CO 2024.docx",
                    fmt="docx",
                    layout="report",
                    issuer=Issuer(
                        parent="ỦY BAN NHÂN DÂN",
                        body="XÃ AN CƠ",
                        number="Số: 58/BC-UBND",
                        place_date="An Cơ, ngày 07 tháng 6 năm 2024",
                        signer_role=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
                        signer_name="Nguyễn Văn Đông",
                    ),
                    initiative=AN_CO,
                    written=at("2024-06-07T10:30:00+07:00"),
                ),
            ),
        ),
        Sample(
            file="04-tc-kh-late.eml",
            received_at=at("2024-06-26T08:15:00+07:00"),
            # Drafted the evening before and left in the outbox: the sender-controlled
            # Date: header claims the deadline day; only received_at decides.
            date_header=at("2024-06-25T16:52:00+07:00"),
            true_unit="phong-tc-kh",
            kind="submission",
            from_name="Phòng TC-KH Châu Thành",
            from_addr="tckh.chauthanh@tayninh.gov.vn",
            official=True,
            to_name=INBOX_NAME,
            subject="V/v gửi sáng kiến, giải pháp cải cách hành chính năm 2024 (Phòng TC-KH)",
            body=(
                "Kính gửi: Phòng Nội vụ.\n\n"
                "Phòng Tài chính - Kế hoạch gửi Đơn yêu cầu công nhận sáng kiến năm 2024. "
                "Do đường truyền gặp sự cố nên gửi chậm, kính mong Quý Phòng thông cảm.\n\n"
                "Trân trọng.\n--\nPhòng Tài chính - Kế hoạch huyện Châu Thành"
            ),
            message_id="<000601dac6f1$2a3b4c50$7e8f9a10$@tayninh.gov.vn>",
            boundary="----=_NextPart_000_0007_01DAC6F1.2A3B4C50",
            received=received_via("[10.20.1.58]", "10.20.1.58", "4W8Dn71cQwz1Tg", auth=True),
            extra_headers=(("X-Mailer", "Microsoft Outlook 16.0"),),
            documents=(
                Doc(
                    filename="Sáng kiến CCHC 2024_Phòng TC-KH.docx",
                    fmt="docx",
                    layout="form",
                    issuer=Issuer(
                        parent="UBND HUYỆN CHÂU THÀNH",
                        body="PHÒNG TÀI CHÍNH - KẾ HOẠCH",
                        number="Số: 201/ĐN-TCKH",
                        place_date="Châu Thành, ngày 24 tháng 6 năm 2024",
                        signer_role=(),
                        signer_name="",
                    ),
                    initiative=TC_KH,
                    written=at("2024-06-24T09:40:00+07:00"),
                ),
            ),
        ),
        Sample(
            file="05-hoa-hoi-last-30s.eml",
            received_at=at("2024-06-25T23:59:30+07:00"),
            date_header=at("2024-06-25T23:59:18+07:00"),
            true_unit="xa-hoa-hoi",
            kind="submission",
            from_name="Văn thư xã Hòa Hội",
            from_addr="vanthu.hoahoi@tayninh.gov.vn",
            official=True,
            subject="Xã Hòa Hội gửi sáng kiến CCHC 2024",
            body=(
                "Kính gửi Phòng Nội vụ huyện,\n\n"
                "UBND xã Hòa Hội gửi báo cáo mô tả sáng kiến cải cách hành chính năm 2024.\n\n"
                "Trân trọng.\n--\nVăn thư UBND xã Hòa Hội"
            ),
            message_id="<9b2e6c41-0f5a-4d7e-8a39-c1d4e7f20b68@tayninh.gov.vn>",
            boundary="------------Hq3Zr8Ym1XpW6tKc0NbV5sJd",
            received=received_via("[10.20.7.11]", "10.20.7.11", "4W7zZ01nRvz1Sb", auth=True),
            extra_headers=(("User-Agent", "Mozilla Thunderbird"),),
            documents=(
                Doc(
                    filename="sáng kiến hòa hội.docx",
                    fmt="docx",
                    layout="report",
                    issuer=Issuer(
                        parent="ỦY BAN NHÂN DÂN",
                        body="XÃ HÒA HỘI",
                        number="Số: 77/BC-UBND",
                        place_date="Hòa Hội, ngày 25 tháng 6 năm 2024",
                        signer_role=("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
                        signer_name="Trương Văn Lợi",
                    ),
                    initiative=HOA_HOI,
                    written=at("2024-06-25T21:15:00+07:00"),
                ),
            ),
        ),
        Sample(
            file="06-long-vinh-late-10s.eml",
            received_at=at("2024-06-26T00:00:10+07:00"),
            # The sender's clock says before midnight; the server received it after.
            date_header=at("2024-06-25T23:59:51+07:00"),
            true_unit="xa-long-vinh",
            kind="submission",
            from_name="",
            from_addr="ubndxa.longvinh@tayninh.gov.vn",
            official=True,
            subject="Sáng kiến CCHC năm 2024 của UBND xã Long Vĩnh",
            body=(
                "Kính gửi Phòng Nội vụ,\n\n"
                "UBND xã Long Vĩnh gửi Đơn yêu cầu công nhận sáng kiến năm 2024.\n\n"
                "Trân trọng.\n--\nUBND xã Long Vĩnh"
            ),
            message_id="<000d01dac71c$0f1e2d30$4b5a6978$@tayninh.gov.vn>",
            boundary="----=_NextPart_000_000E_01DAC71C.0F1E2D30",
            received=received_via("[10.20.9.23]", "10.20.9.23", "4W80003hXkz1Vq", auth=True),
            extra_headers=(("X-Mailer", "Microsoft Outlook 15.0"),),
            documents=(
                Doc(
                    filename="Don sang kien_Long Vinh.docx",
                    fmt="docx",
                    layout="form",
                    issuer=Issuer(
                        parent="ỦY BAN NHÂN DÂN",
                        body="XÃ LONG VĨNH",
                        number="Số: 64/ĐN-UBND",
                        place_date="Long Vĩnh, ngày 25 tháng 6 năm 2024",
                        signer_role=(),
                        signer_name="",
                    ),
                    initiative=LONG_VINH,
                    written=at("2024-06-25T17:05:00+07:00"),
                ),
            ),
        ),
        Sample(
            file="07-y-te-drive-link.eml",
            received_at=at("2024-06-18T10:05:44+07:00"),
            date_header=at("2024-06-18T10:05:31+07:00"),
            true_unit="phong-y-te",
            kind="no_document",
            from_name="Phòng Y tế Châu Thành",
            from_addr="pyt.chauthanh@tayninh.gov.vn",
            official=True,
            subject="Phòng Y tế gửi sáng kiến CCHC năm 2024",
            body=(
                "Kính gửi Phòng Nội vụ,\n\n"
                "Phòng Y tế gửi sáng kiến cải cách hành chính năm 2024. Do file có dung lượng lớn "
                "(kèm hình ảnh minh họa) nên Phòng gửi qua Google Drive theo đường dẫn sau:\n"
                "https://drive.google.com/file/d/1Fq3kZp0Yt7uXcLm2NwQe8RbVd4sHj6Ax/view?usp=sharing\n\n"
                "Trân trọng.\n"
                "--\n"
                "Phòng Y tế huyện Châu Thành"
            ),
            message_id="<3c7a1e95-52d8-4b0f-a6e3-9d2f84c1b7e0@tayninh.gov.vn>",
            boundary="",
            received=received_via("[10.20.1.66]", "10.20.1.66", "4W3bT62pMnz1Rk", auth=True),
            extra_headers=(("User-Agent", "Mozilla Thunderbird"),),
        ),
        Sample(
            file="08-auto-reply.eml",
            received_at=at("2024-05-16T07:48:12+07:00"),
            date_header=at("2024-05-16T07:48:10+07:00"),
            true_unit="",
            kind="auto_reply",
            from_name="Nguyễn Thị Mỹ Hạnh",
            from_addr="ntmhanh@tayninh.gov.vn",
            official=False,
            subject=(
                "Trả lời tự động: Kế hoạch phát động sáng kiến, giải pháp cải cách hành chính năm "
                "2024"
            ),
            body=(
                "Tôi đang nghỉ phép từ ngày 15/5/2024 đến hết ngày 17/5/2024 và sẽ trả lời thư của "
                "anh/chị khi trở lại làm việc.\n\nTrân trọng."
            ),
            message_id="<auto.5d2a8f17c3e4@tayninh.gov.vn>",
            boundary="",
            received=received_via("[10.20.2.31]", "10.20.2.31", "4VfK1x3bWcz1Qm", auth=True),
            extra_headers=(
                ("Auto-Submitted", "auto-replied"),
                ("X-Auto-Response-Suppress", "All"),
                ("In-Reply-To", "<kehoach-cchc-2024.0515@tayninh.gov.vn>"),
                ("References", "<kehoach-cchc-2024.0515@tayninh.gov.vn>"),
            ),
        ),
        Sample(
            file="09-ninh-dien-early.eml",
            received_at=at("2024-05-10T15:22:09+07:00"),
            date_header=at("2024-05-10T15:21:55+07:00"),
            true_unit="xa-ninh-dien",
            kind="submission",
            from_name="UBND xã Ninh Điền",
            from_addr="vanthu.ninhdien@tayninh.gov.vn",
            official=True,
            subject="UBND xã Ninh Điền gửi sáng kiến cải cách hành chính năm 2024",
            body=(
                "Kính gửi Phòng Nội vụ,\n\n"
                "Theo đề nghị tại cuộc họp giao ban, UBND xã Ninh Điền gửi trước báo cáo mô tả "
                "sáng kiến cải cách hành chính năm 2024.\n\n"
                "Trân trọng.\n"
                "--\n"
                "Văn thư UBND xã Ninh Điền"
            ),
            message_id="<000301daa2b7$6c7d8e90$a1b2c3d4$@tayninh.gov.vn>",
            boundary="----=_NextPart_000_0004_01DAA2B7.6C7D8E90",
            received=received_via("[10.20.11.5]", "10.20.11.5", "4VbS9d2yHqz1Pn", auth=True),
            extra_headers=(("X-Mailer", "Microsoft Outlook 16.0"),),
            documents=(
                Doc(
                    filename="Báo cáo sáng kiến Ninh Điền.docx",
                    fmt="docx",
                    layout="report",
                    issuer=Issuer(
                        parent="ỦY BAN NHÂN DÂN",
                        body="XÃ NINH ĐIỀN",
                        number="Số: 41/BC-UBND",
                        place_date="Ninh Điền, ngày 09 tháng 5 năm 2024",
                        signer_role=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
                        signer_name="Phan Văn Nghĩa",
                    ),
                    initiative=NINH_DIEN,
                    written=at("2024-05-09T15:00:00+07:00"),
                ),
            ),
        ),
        Sample(
            file="10-chau-thanh-two-docs.eml",
            received_at=at("2024-06-21T16:47:33+07:00"),
            date_header=at("2024-06-21T16:47:20+07:00"),
            true_unit="tt-chau-thanh",
            kind="submission",
            from_name="UBND thị trấn Châu Thành",
            from_addr="vanthu.ttchauthanh@tayninh.gov.vn",
            official=True,
            to_name=INBOX_NAME,
            subject="TT Châu Thành gửi 02 sáng kiến CCHC năm 2024",
            body=(
                "Kính gửi: Phòng Nội vụ huyện Châu Thành.\n\n"
                "UBND thị trấn Châu Thành gửi 02 sáng kiến cải cách hành chính năm 2024:\n"
                "1. Đơn yêu cầu công nhận sáng kiến về số hóa sổ hộ tịch (file Word);\n"
                "2. Báo cáo mô tả sáng kiến về đánh giá cán bộ, công chức hằng tháng (file "
                "PDF).\n\n"
                "Trân trọng.\n"
                "--\n"
                "Văn thư UBND thị trấn Châu Thành"
            ),
            message_id="<000b01dac3a9$4d5e6f70$8a9b0c1d$@tayninh.gov.vn>",
            boundary="----=_NextPart_000_000C_01DAC3A9.4D5E6F70",
            received=received_via("[10.20.5.14]", "10.20.5.14", "4W5Jm43fVtz1Nc", auth=True),
            extra_headers=(("X-Mailer", "Microsoft Outlook 16.0"),),
            documents=(
                Doc(
                    filename="1. Đơn SK số hóa hộ tịch - TT Châu Thành.docx",
                    fmt="docx",
                    layout="form",
                    issuer=Issuer(
                        parent="ỦY BAN NHÂN DÂN",
                        body="THỊ TRẤN CHÂU THÀNH",
                        number="Số: 93/ĐN-UBND",
                        place_date="Châu Thành, ngày 20 tháng 6 năm 2024",
                        signer_role=(),
                        signer_name="",
                    ),
                    initiative=HO_TICH,
                    written=at("2024-06-20T08:45:00+07:00"),
                ),
                Doc(
                    filename="2. BC mô tả SK phiếu đánh giá CBCC.pdf",
                    fmt="pdf",
                    layout="report",
                    issuer=Issuer(
                        parent="ỦY BAN NHÂN DÂN",
                        body="THỊ TRẤN CHÂU THÀNH",
                        number="Số: 94/BC-UBND",
                        place_date="Châu Thành, ngày 20 tháng 6 năm 2024",
                        signer_role=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
                        signer_name="Bùi Văn Trọng",
                    ),
                    initiative=DANH_GIA,
                    written=at("2024-06-20T10:10:00+07:00"),
                ),
            ),
        ),
        Sample(
            file="11-hoa-thanh-nfd.eml",
            received_at=at("2024-06-24T11:03:57+07:00"),
            date_header=at("2024-06-24T11:03:49+07:00"),
            true_unit="xa-hoa-thanh",
            kind="submission",
            from_name="UBND xã Hoà Thạnh",
            from_addr="vanthu.hoathanh@tayninh.gov.vn",
            official=True,
            # Old tone-mark style ("Uỷ", "Hoà") and NFD, as macOS Mail sends it.
            subject="Uỷ ban nhân dân xã Hoà Thạnh gửi sáng kiến CCHC năm 2024",
            body=(
                "Kính gửi Phòng Nội vụ,\n\n"
                "Uỷ ban nhân dân xã Hoà Thạnh gửi Đơn đề nghị công nhận sáng kiến cải cách hành "
                "chính năm 2024 (file đính kèm).\n\n"
                "Trân trọng.\n"
                "--\n"
                "Văn phòng Uỷ ban nhân dân xã Hoà Thạnh\n\n"
                "Gửi từ iPhone của tôi"
            ),
            message_id="<7E0B9C1A-3F42-4D6B-8E25-A9C4D1F0B376@tayninh.gov.vn>",
            boundary="Apple-Mail-5B1C8E2F-0A7D-4C39-9E64-D2F1A8B3C705",
            received=received_via("[10.20.8.20]", "10.20.8.20", "4W74jQ5rBsz1Mx", auth=True),
            extra_headers=(("X-Mailer", "iPhone Mail (21F90)"),),
            nfd=True,
            documents=(
                Doc(
                    filename="Đơn đề nghị công nhận sáng kiến - xã Hoà Thạnh.docx",
                    fmt="docx",
                    layout="form",
                    issuer=Issuer(
                        parent="UỶ BAN NHÂN DÂN",
                        body="XÃ HOÀ THẠNH",
                        number="Số: 85/ĐN-UBND",
                        place_date="Hoà Thạnh, ngày 21 tháng 6 năm 2024",
                        signer_role=(),
                        signer_name="",
                    ),
                    initiative=HOA_THANH,
                    written=at("2024-06-21T09:30:00+07:00"),
                ),
            ),
        ),
        Sample(
            file="12-gd-dt-yahoo-pdf.eml",
            received_at=at("2024-06-12T21:18:40+07:00"),
            date_header=at("2024-06-12T14:18:32+00:00"),
            true_unit="phong-gd-dt",
            kind="submission",
            from_name="Phòng GD&ĐT Châu Thành",
            from_addr="ngockimthoa82@yahoo.com",
            official=False,
            subject="Phòng GD&ĐT gửi sáng kiến CCHC năm 2024",
            body=(
                "Kính gửi Phòng Nội vụ,\n\n"
                "Phòng Giáo dục và Đào tạo gửi báo cáo mô tả sáng kiến cải cách hành chính năm "
                "2024.\n\n"
                "Trân trọng.\n"
                "--\n"
                "Châu Ngọc Kim Thoa\n"
                "Chuyên viên Phòng GD&ĐT huyện Châu Thành"
            ),
            message_id="<1398204577.2210583.1718201912345@mail.yahoo.com>",
            boundary="----=_Part_2210582_1741803355.1718201912344",
            html_boundary="----=_Part_2210581_607518812.1718201912343",
            received=received_via(
                "sonic301-2.consmr.mail.sg3.yahoo.com", "198.51.100.22", "4W02Kp6sDcz1Lh"
            ),
            extra_headers=(("X-Mailer", "WebService/1.1.22407 YMailNorrin"),),
            documents=(
                Doc(
                    filename="Mo ta sang kien PGDDT 2024.pdf",
                    fmt="pdf",
                    layout="report",
                    issuer=Issuer(
                        parent="UBND HUYỆN CHÂU THÀNH",
                        body="PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
                        number="Số: 312/BC-PGDĐT",
                        place_date="Châu Thành, ngày 11 tháng 6 năm 2024",
                        signer_role=("KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"),
                        signer_name="Trịnh Văn Đức",
                    ),
                    initiative=GD_DT,
                    written=at("2024-06-11T15:30:00+07:00"),
                ),
            ),
        ),
        Sample(
            file="13-thai-binh-resubmit.eml",
            received_at=at("2024-06-05T08:26:15+07:00"),
            date_header=at("2024-06-05T08:26:02+07:00"),
            true_unit="xa-thai-binh",
            kind="submission",
            from_name="UBND xã Thái Bình",
            from_addr="vanthu.thaibinh@tayninh.gov.vn",
            official=True,
            to_name=INBOX_NAME,
            subject=(
                "Xã Thái Bình gửi lại bản chỉnh sửa đơn yêu cầu công nhận sáng kiến CCHC năm 2024"
            ),
            body=(
                "Kính gửi: Phòng Nội vụ huyện Châu Thành.\n\n"
                "UBND xã Thái Bình gửi lại bản chỉnh sửa Đơn yêu cầu công nhận sáng kiến (điều "
                "chỉnh ngày áp dụng lần đầu và tỷ lệ đóng góp của tác giả). Đề nghị Quý Phòng sử "
                "dụng bản này thay cho bản đã gửi ngày 01/6/2024.\n\n"
                "Trân trọng.\n" + SIG_THAI_BINH
            ),
            message_id="<000201dab6e2$1a2b3c40$5d6e7f80$@tayninh.gov.vn>",
            boundary="----=_NextPart_000_0003_01DAB6E2.1A2B3C40",
            received=received_via("[10.20.3.17]", "10.20.3.17", "4VvF6h0kJpz1Kg", auth=True),
            extra_headers=(("X-Mailer", "Microsoft Outlook 16.0"),),
            documents=(
                Doc(
                    filename="Đơn yêu cầu công nhận sáng kiến - xã Thái Bình (bản chỉnh sửa).docx",
                    fmt="docx",
                    layout="form",
                    issuer=Issuer(
                        parent="ỦY BAN NHÂN DÂN",
                        body="XÃ THÁI BÌNH",
                        number="Số: 112/ĐN-UBND",
                        place_date="Thái Bình, ngày 04 tháng 6 năm 2024",
                        signer_role=(),
                        signer_name="",
                    ),
                    initiative=QR_V2,
                    written=at("2024-06-04T16:10:00+07:00"),
                ),
            ),
        ),
        Sample(
            file="14-unknown-sender.eml",
            received_at=at("2024-06-20T13:30:02+07:00"),
            date_header=at("2024-06-20T13:29:47+07:00"),
            true_unit="",
            kind="unknown_sender",
            from_name="Nguyen Van A",
            from_addr="nva.tn1987@gmail.com",
            official=False,
            subject="Gửi sáng kiến cải cách hành chính",
            body=(
                "Kính gửi Hội đồng sáng kiến,\n\n"
                "Tôi xin gửi sáng kiến kèm theo thư này để Hội đồng xem xét.\n\n"
                "Trân trọng,\nNguyen Van A"
            ),
            message_id="<CAK3pQw9ZtYx1Bn5Hc7Vm2Lr8SdJ0fEg4uKo6iWa3Nb-qTyRx5Q@mail.gmail.com>",
            boundary="000000000000f4e3d2061b2c7a10",
            html_boundary="000000000000f4e3d1061b2c7a0e",
            received=received_via("mail-lf1-f52.google.com", "203.0.113.52", "4W4Hc25tNqz1Jf"),
            documents=(
                Doc(
                    filename="sang kien.docx",
                    fmt="docx",
                    layout="report",
                    issuer=Issuer(
                        parent="",
                        body="",
                        number="",
                        place_date="Tây Ninh, ngày 18 tháng 6 năm 2024",
                        signer_role=(),
                        signer_name="Nguyễn Văn A",
                    ),
                    initiative=NHAC_VIEC,
                    written=at("2024-06-18T19:20:00+07:00"),
                ),
            ),
        ),
    ]


def _html(text: str) -> str:
    blocks = "".join(
        f"<div>{html.escape(line)}</div>" if line else "<div><br></div>"
        for line in text.split("\n")
    )
    return f'<div dir="ltr">{blocks}</div>\n'


def build_message(sample: Sample, attachments: Sequence[tuple[Doc, bytes]]) -> bytes:
    def text(value: str) -> str:
        return nfd(value) if sample.nfd else unicodedata.normalize("NFC", value)

    msg = EmailMessage(policy=policy.SMTP)
    received_date = format_datetime(sample.received_at.astimezone(ICT))
    msg["Received"] = f"{sample.received}; {received_date}"
    msg["Message-ID"] = sample.message_id
    msg["Date"] = format_datetime(sample.date_header)
    msg["From"] = Address(display_name=text(sample.from_name), addr_spec=sample.from_addr)
    msg["To"] = Address(display_name=sample.to_name, addr_spec=INBOX)
    msg["Subject"] = text(sample.subject)
    for name, value in sample.extra_headers:
        msg[name] = value

    body = text(sample.body)
    msg.set_content(body, cte="quoted-printable")
    if sample.html_boundary:
        msg.add_alternative(_html(body), subtype="html", cte="quoted-printable")
        msg.set_boundary(sample.html_boundary)
    for doc, data in attachments:
        maintype, subtype = DOCX_TYPE if doc.fmt == "docx" else PDF_TYPE
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=text(doc.filename))
    if attachments:
        msg.set_boundary(sample.boundary)
    for part in msg.walk():
        if part is not msg:
            del part["MIME-Version"]  # EmailMessage adds it to every part; mailers do not
    return msg.as_bytes()


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    for char in escaped:
        if ord(char) < 0x20 or ord(char) == 0x7F:
            raise ValueError(f"control character in {value!r}")
    return f'"{escaped}"'


def _manifest(samples: Sequence[Sample]) -> str:
    lines = [
        "# Sample mails for the tests and the demo. GENERATED by scripts/make_samples.py:",
        "# do not edit by hand (tests/scripts/test_make_samples.py compares with a fresh run).",
        "#",
        "# file         .eml file, relative to this folder",
        "# received_at  server receive time (IMAP INTERNALDATE) to use when appending",
        '# true_unit    unit code (units.toml) that really sent it, "" when none',
        "# timing       early | on_time | late: received_at vs 15/5/2024 .. end of 25/6/2024 "
        "(+07:00)",
        "# kind         submission | no_document | auto_reply | unknown_sender",
        "# titles       initiative titles exactly as written in the attached documents, one per "
        "document",
        "# documents    number of document attachments",
        "# authors      the authors named in each document, one list per document",
    ]
    for sample in samples:
        titles = ", ".join(_toml_string(t) for t in sample.titles)
        lines += [
            "",
            "[[message]]",
            f"file = {_toml_string(sample.file)}",
            f"received_at = {sample.received_at.isoformat()}",
            f"true_unit = {_toml_string(sample.true_unit)}",
            f"timing = {_toml_string(sample.timing)}",
            f"kind = {_toml_string(sample.kind)}",
            f"titles = [{titles}]",
            f"documents = {len(sample.documents)}",
            f"authors = [{_authors(sample)}]",
        ]
    return "\n".join(lines) + "\n"


def _authors(sample: Sample) -> str:
    return ", ".join(
        "[" + ", ".join(_toml_string(a.name) for a in d.initiative.authors) + "]"
        for d in sample.documents
    )


def _addresses(samples: Sequence[Sample]) -> str:
    book: dict[str, str] = {}
    for sample in samples:
        if sample.official and book.setdefault(sample.from_addr, sample.true_unit) != (
            sample.true_unit
        ):
            raise ValueError(f"{sample.from_addr} mapped to two units")
    lines = [
        "# Known sending addresses for the demo (fictitious).",
        "# GENERATED by scripts/make_samples.py together with tests/data/mail: do not edit by "
        "hand.",
        "# Personal Gmail/Yahoo senders are deliberately absent: they must be resolved from the",
        "# message itself or by a person.",
        "[addresses]",
    ]
    lines += [f"{_toml_string(addr)} = {_toml_string(unit)}" for addr, unit in sorted(book.items())]
    return "\n".join(lines) + "\n"


def render() -> Output:
    """Build every output file in memory."""
    samples = _samples()
    output = Output()
    cache: dict[Doc, bytes] = {}
    for sample in samples:
        attachments: list[tuple[Doc, bytes]] = []
        for doc in sample.documents:
            if doc not in cache:
                cache[doc] = make_docx(doc) if doc.fmt == "docx" else make_pdf(doc)
            data = cache[doc]
            if len(data) >= MAX_ATTACHMENT:
                raise ValueError(f"{doc.filename}: {len(data)} bytes, too large")
            attachments.append((doc, data))
        output.files[sample.file] = build_message(sample, attachments)
    output.files["manifest.toml"] = _manifest(samples).encode("utf-8")
    output.demo["addresses.toml"] = _addresses(samples).encode("utf-8")
    return output


def main(out_dir: Path | None = None, demo_dir: Path | None = None) -> list[Path]:
    """Write the samples; return the paths written."""
    out = DEFAULT_OUT if out_dir is None else out_dir
    demo = DEFAULT_DEMO if demo_dir is None else demo_dir
    rendered = render()
    written: list[Path] = []
    for folder, files in ((out, rendered.files), (demo, rendered.demo)):
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            path = folder / name
            path.write_bytes(data)
            written.append(path)
    return written


def _cli(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="folder for the .eml files and manifest"
    )
    parser.add_argument("--demo", type=Path, default=DEFAULT_DEMO, help="folder for addresses.toml")
    args = parser.parse_args(argv)
    for path in main(args.out, args.demo):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(_cli())
