"""Near-duplicates: precision and recall on a generated set with known pairs, and indexing time.

The set (``generate``) holds initiative descriptions laid out as units write
them (a Nghị định 30 header, "BÁO CÁO MÔ TẢ SÁNG KIẾN", numbered sections,
the same closing sentences in every one), from a vocabulary of administrative
Vietnamese. A share of them is sent again as a known pair: the same text with
a paraphrased header (another number, date, parent line and recipient), its
sections in another order, another unit's name throughout, one or two
sentences reworded, and some in the old tone style ("hoà", "uỷ") or NFD. The
rest are distinct documents. ``parsers.similarity.SimilarityIndex`` indexes
them all; a flagged pair is right when it is a known pair.

Run: .venv/bin/python -m bench.similarity [--docs 10000] [--pairs 1000] [--seed 7]
Targets (issue 16): precision >= 0.95, recall >= 0.9, 10,000 documents indexed in < 60 s.
"""

from __future__ import annotations

import argparse
import random
import time
import unicodedata
from dataclasses import dataclass

from parsers.similarity import SimilarityIndex, name_forms

UNITS = (
    "UBND thị trấn Châu Thành",
    "UBND xã An Bình",
    "UBND xã An Cơ",
    "UBND xã Biên Giới",
    "UBND xã Đồng Khởi",
    "UBND xã Hảo Đước",
    "UBND xã Hòa Hội",
    "UBND xã Hòa Thạnh",
    "UBND xã Long Vĩnh",
    "UBND xã Ninh Điền",
    "UBND xã Phước Vinh",
    "UBND xã Thái Bình",
    "UBND xã Thanh Điền",
    "UBND xã Thành Long",
    "UBND xã Trí Bình",
    "Phòng Nội vụ",
    "Phòng Tư pháp",
    "Phòng Tài chính - Kế hoạch",
    "Phòng Tài nguyên và Môi trường",
    "Phòng Văn hóa và Thông tin",
    "Phòng Giáo dục và Đào tạo",
    "Phòng Y tế",
)
_VOCABULARY = (
    "ứng dụng công nghệ thông tin số hóa hồ sơ thủ tục hành chính một cửa liên thông"
    " người dân doanh nghiệp cán bộ công chức viên chức tiếp nhận trả kết quả trực tuyến"
    " dịch vụ công mức độ toàn trình phần mềm quản lý văn bản điều hành chữ ký số"
    " thanh toán không dùng tiền mặt mã QR tra cứu tình trạng giải quyết đúng hạn trễ hạn"
    " kiểm soát niêm yết công khai minh bạch trách nhiệm giải trình đánh giá hài lòng"
    " tổ chức bộ máy tinh gọn hiệu lực hiệu quả vị trí việc làm biên chế đào tạo bồi dưỡng"
    " kỹ năng nghiệp vụ tài chính công tự chủ tiết kiệm chi phí ngân sách thời gian đi lại"
    " nhân dân ấp khu phố tổ tự quản hộ gia đình nông dân học sinh giáo viên trạm y tế"
    " đất đai hộ tịch chứng thực bảo trợ xã hội người cao tuổi người khuyết tật trẻ em"
    " zalo nhóm trang thông tin điện tử cổng dịch vụ công quốc gia tỉnh huyện xã họp"
    " trực tuyến camera giám sát an ninh trật tự vệ sinh môi trường rác thải nông thôn mới"
    " hướng dẫn tuyên truyền phổ biến pháp luật hòa giải cơ sở phản ánh kiến nghị xử lý"
    " sổ tay điện tử biểu mẫu quy trình nội bộ lưu trữ hồ sơ điện tử sao lưu dữ liệu"
    " cơ sở dữ liệu dân cư định danh căn cước tài khoản giao dịch nhắc việc lịch công tác"
)
WORDS = tuple(_VOCABULARY.split())
TOPICS = (
    "Ứng dụng mã QR tra cứu hồ sơ thủ tục hành chính",
    "Số hóa hồ sơ một cửa và lưu trữ điện tử",
    "Nhóm Zalo hỗ trợ người dân nộp hồ sơ trực tuyến",
    "Sổ tay điện tử hướng dẫn thủ tục hành chính",
    "Thanh toán không dùng tiền mặt tại bộ phận một cửa",
    "Phần mềm nhắc việc và lịch công tác của cơ quan",
    "Camera giám sát an ninh trật tự ở ấp",
    "Tổ tự quản vệ sinh môi trường khu phố",
)
SECTIONS = (
    "Tình trạng giải pháp đã biết",
    "Nội dung giải pháp đề nghị công nhận là sáng kiến",
    "Khả năng áp dụng của giải pháp",
    "Hiệu quả, lợi ích thu được do áp dụng giải pháp",
    "Những người đã tham gia áp dụng sáng kiến lần đầu",
)
#: What every description says the same way (the form's own sentences).
CLOSING = (
    "Tôi xin cam đoan mọi thông tin nêu trong báo cáo là trung thực, đúng sự thật"
    " và hoàn toàn chịu trách nhiệm trước pháp luật.",
    "Sáng kiến được áp dụng lần đầu tại đơn vị và có thể nhân rộng ra các cơ quan,"
    " đơn vị khác trên địa bàn huyện.",
    "Những thông tin cần được bảo mật: không có.",
)
FIELDS = (
    "Cải cách thủ tục hành chính",
    "Cải cách tổ chức bộ máy hành chính nhà nước",
    "Xây dựng chính quyền điện tử, chính quyền số",
    "Cải cách tài chính công",
)


@dataclass(frozen=True)
class Initiative:
    unit: str
    title: str
    field: str
    authors: str
    sections: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class GeneratedSet:
    documents: list[tuple[int, str]]
    pairs: set[frozenset[int]]


def sentence(rng: random.Random, unit: str) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 24))]
    if rng.random() < 0.15:
        words.insert(rng.randint(0, len(words)), f"tại {unit}")
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def initiative(rng: random.Random) -> Initiative:
    unit = rng.choice(UNITS)
    sections = tuple(
        (name, tuple(sentence(rng, unit) for _ in range(rng.randint(3, 6)))) for name in SECTIONS
    )
    authors = ", ".join(
        f"{rng.choice(('Nguyễn', 'Trần', 'Lê', 'Phạm'))} {rng.choice(('Văn', 'Thị'))}"
        f" {rng.choice(('An', 'Bình', 'Hoa', 'Lan', 'Minh', 'Tâm'))}"
        for _ in range(rng.randint(1, 3))
    )
    return Initiative(unit, rng.choice(TOPICS), rng.choice(FIELDS), authors, sections)


def header(rng: random.Random, unit: str, paraphrased: bool) -> list[str]:
    day, month = rng.randint(1, 28), rng.randint(5, 6)
    parent = "UBND HUYỆN CHÂU THÀNH" if unit.startswith("Phòng") else "ỦY BAN NHÂN DÂN"
    if paraphrased:
        parent = "UBND HUYỆN CHÂU THÀNH" if parent == "ỦY BAN NHÂN DÂN" else "HUYỆN CHÂU THÀNH"
    recipient = rng.choice(
        ("Kính gửi: Phòng Nội vụ huyện Châu Thành", "Kính gửi: Hội đồng sáng kiến huyện")
    )
    return [
        parent,
        unit.upper(),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: {rng.randint(1, 300)}/BC-{rng.choice(('UBND', 'PNV', 'PTP'))}",
        f"{rng.choice(('Châu Thành', 'Hòa Hội', 'An Cơ'))}, ngày {day} tháng {month} năm 2024",
        recipient,
    ]


def render(
    rng: random.Random, item: Initiative, *, paraphrased: bool = False, shuffled: bool = False
) -> str:
    lines = header(rng, item.unit, paraphrased)
    lines += [
        "BÁO CÁO MÔ TẢ SÁNG KIẾN",
        f"1. Tên sáng kiến: {item.title}",
        f"2. Tác giả: {item.authors}",
        f"3. Lĩnh vực áp dụng sáng kiến: {item.field}",
    ]
    sections = list(item.sections)
    if shuffled:
        rng.shuffle(sections)
    for n, (name, body) in enumerate(sections, start=4):
        lines.append(f"{n}. {name}")
        lines.append(" ".join(body))
    lines += [*CLOSING, f"TM. {item.unit.upper()}", "CHỦ TỊCH", "(Ký tên, đóng dấu)"]
    return "\n".join(lines)


def resend(rng: random.Random, item: Initiative) -> Initiative:
    """Return the same initiative under another unit's name, a sentence or two reworded."""
    other = rng.choice([u for u in UNITS if u != item.unit])
    sections = []
    for name, body in item.sections:
        changed = [
            sentence(rng, other) if rng.random() < 0.08 else s.replace(item.unit, other)
            for s in body
        ]
        sections.append((name, tuple(changed)))
    return Initiative(other, item.title, item.field, item.authors, tuple(sections))


def old_style(text: str, rng: random.Random) -> str:
    """Return ``text`` as another mailer may: old tone style, or decomposed (NFD)."""
    if rng.random() < 0.5:
        for new, old in (("òa", "oà"), ("óa", "oá"), ("ủy", "uỷ"), ("ỏe", "oẻ")):
            text = text.replace(new, old)
        return text
    return unicodedata.normalize("NFD", text)


def generate(documents: int, pairs: int, seed: int = 7) -> GeneratedSet:
    """Return ``documents`` documents, ``pairs`` pairs of which are one initiative sent twice."""
    rng = random.Random(seed)
    docs: list[tuple[int, str]] = []
    truth: set[frozenset[int]] = set()
    for _ in range(pairs):
        item = initiative(rng)
        first = render(rng, item)
        second = render(rng, resend(rng, item), paraphrased=True, shuffled=rng.random() < 0.7)
        if rng.random() < 0.3:
            second = old_style(second, rng)
        a, b = len(docs), len(docs) + 1
        docs += [(a, first), (b, second)]
        truth.add(frozenset((a, b)))
    while len(docs) < documents:
        docs.append((len(docs), render(rng, initiative(rng))))
    order = list(range(len(docs)))
    rng.shuffle(order)
    return GeneratedSet([docs[i] for i in order], truth)


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    flagged: int
    seconds: float
    cpu_seconds: float  # what other processes on the cores hardly inflate


def score(generated: GeneratedSet) -> Scores:
    """Index the set and compare the flagged pairs with the known ones."""
    names = [form for unit in UNITS for form in name_forms(unit)]
    start, cpu = time.perf_counter(), time.process_time()
    index: SimilarityIndex[int] = SimilarityIndex(names=names)
    index.add_many(generated.documents)
    flagged = {frozenset((p.first, p.second)) for p in index.pairs()}
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    right = len(flagged & generated.pairs)
    precision = right / len(flagged) if flagged else 1.0
    recall = right / len(generated.pairs) if generated.pairs else 1.0
    return Scores(precision, recall, len(flagged), seconds, cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--pairs", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generated = generate(args.docs, args.pairs, args.seed)
    result = score(generated)
    from bench.results import report

    report(
        "similarity",
        [
            {
                "documents": len(generated.documents),
                "known pairs": len(generated.pairs),
                "flagged": result.flagged,
                "precision": round(result.precision, 4),
                "recall": round(result.recall, 4),
                "index + pairs (s)": round(result.seconds, 2),
                "cpu (s)": round(result.cpu_seconds, 2),
            }
        ],
        notes="targets: precision >= 0.95, recall >= 0.9, 10,000 documents in < 60 s",
    )


if __name__ == "__main__":
    main()
