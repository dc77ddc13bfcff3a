"""Draw test images: a page photographed by a phone, and a signature logo.

The page is a commune's initiative description typed in DejaVu Sans (the font
of the sample documents), then photographed badly: turned a few degrees,
skewed, greyed, speckled. Built by the tests themselves; nothing is committed.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
TITLE = "Số hóa hồ sơ hộ tịch tại bộ phận một cửa xã An Cơ"
PAGE_LINES = (
    "ỦY BAN NHÂN DÂN",
    "XÃ AN CƠ",
    "",
    "BÁO CÁO MÔ TẢ SÁNG KIẾN",
    "",
    f"Tên sáng kiến: {TITLE}",
    "Lĩnh vực áp dụng: cải cách hành chính",
    "Tác giả: Nguyễn Văn Hùng, công chức Tư pháp - Hộ tịch",
    "Ngày áp dụng lần đầu: 15/3/2024",
    "Nội dung: quét và lưu trữ toàn bộ sổ hộ tịch của xã",
    "vào phần mềm, giúp tra cứu và cấp bản sao trích lục",
    "nhanh hơn, giảm thời gian chờ của người dân từ hai",
    "ngày xuống còn ba mươi phút cho mỗi hồ sơ.",
)


def page_photo(
    *,
    angle: float = 2.5,
    contrast: float = 0.55,
    noise: int = 18,
    turned: int = 0,
    fmt: str = "JPEG",
    exif_turned: bool = False,
) -> bytes:
    """Return a photo of the page: ``angle`` degrees off, ``contrast`` of full, speckled.

    ``turned`` (90, 180, 270) lays the page on its side as a phone held sideways does;
    ``exif_turned`` stores it turned and says so in EXIF orientation instead.
    """
    font = ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), 26)
    bold = ImageFont.truetype(str(FONT_DIR / "DejaVuSans-Bold.ttf"), 28)
    page = Image.new("L", (1240, 900), 255)
    draw = ImageDraw.Draw(page)
    y = 50
    for index, line in enumerate(PAGE_LINES):
        face = bold if index in (0, 1, 3) else font
        width = draw.textlength(line, font=face)
        x = (1240 - width) / 2 if index in (0, 1, 3) else 60
        draw.text((x, y), line, font=face, fill=0)
        y += 52 if line else 26
    # A sheet on a desk under a lamp: grey paper, grey ink, then the phone's tilt.
    floor = int(255 * (1 - contrast) / 2)
    page = page.point(lambda v: floor + v * contrast)
    page = page.transform(page.size, Image.Transform.AFFINE, (1, 0.03, -15, 0, 1, 0), fillcolor=150)
    page = page.rotate(angle, expand=True, fillcolor=150, resample=Image.Resampling.BICUBIC)
    speckle = random.Random(18)
    pixels = page.load()
    assert pixels is not None
    for _ in range(page.width * page.height // 40):
        x, y = speckle.randrange(page.width), speckle.randrange(page.height)
        value = pixels[x, y]
        assert isinstance(value, int)
        pixels[x, y] = max(0, min(255, value + speckle.randint(-noise * 3, noise * 3)))
    photo = page.filter(ImageFilter.GaussianBlur(0.6)).convert("RGB")
    if turned:
        photo = photo.rotate(turned, expand=True)
    return _save(photo, fmt, exif_turned)


def logo(*, size: tuple[int, int] = (220, 80), fmt: str = "PNG") -> bytes:
    """Return a signature logo: a coloured band with the office's initials."""
    image = Image.new("RGB", size, (200, 30, 40))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size[1] - 8, size[1] - 8), fill=(250, 210, 0))
    font = ImageFont.truetype(str(FONT_DIR / "DejaVuSans-Bold.ttf"), size[1] // 3)
    draw.text((size[1] + 4, size[1] // 3), "UBND", font=font, fill=(255, 255, 255))
    return _save(image, fmt, False)


def _save(image: Image.Image, fmt: str, exif_turned: bool) -> bytes:
    out = io.BytesIO()
    if fmt == "HEIF":
        import pillow_heif

        pillow_heif.register_heif_opener()
    if exif_turned:
        # Stored turned a quarter to the left; orientation 6 says "turn right to view".
        image = image.rotate(90, expand=True)
        exif = Image.Exif()
        exif[0x0112] = 6
        image.save(out, fmt, exif=exif.tobytes())
    else:
        image.save(out, fmt)
    return out.getvalue()
