from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pytest

from parsers.legacy_encodings import detect_legacy, tcvn3_to_unicode, to_unicode, vni_to_unicode

UNICODE = "Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc. Xã Hòa Hội"
TCVN3 = "Céng hßa x· héi chñ nghÜa ViÖt Nam. §éc lËp - Tù do - H¹nh phóc. X· Hßa Héi"
VNI = "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam. Ñoäc laäp - Töï do - Haïnh phuùc. Xaõ Hoøa Hoäi"


def test_tcvn3_text_is_detected_and_converted() -> None:
    assert detect_legacy(TCVN3) == "tcvn3"
    assert to_unicode(TCVN3) == (UNICODE, "tcvn3")


def test_vni_text_is_detected_and_converted() -> None:
    assert detect_legacy(VNI) == "vni"
    assert to_unicode(VNI) == (UNICODE, "vni")


def test_vni_capitals_and_horned_vowels_convert() -> None:
    assert vni_to_unicode("COÄNG HOØA - ÖÔÙC MÔ - Ñieàn") == "CỘNG HÒA - ƯỚC MƠ - Điền"


@pytest.mark.parametrize(
    "text",
    [
        UNICODE,
        "Plain English text without any Vietnamese letters at all, long enough to judge.",
        "Café, naïve façade, jalapeño: Latin-1 words in a longer English sentence here.",
        "ngắn",
    ],
)
def test_unicode_and_other_text_is_left_alone(text: str) -> None:
    assert to_unicode(text) == (text, None)


@pytest.mark.skipif(shutil.which("iconv") is None, reason="iconv is not installed")
def test_the_tcvn3_table_agrees_with_the_c_library_for_every_lower_case_letter() -> None:
    data = bytes(range(0xA1, 0xFF))
    done = subprocess.run(
        ["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=data, capture_output=True, check=False
    )
    if done.returncode != 0:
        pytest.skip("this iconv has no TCVN5712-1")
    reference = unicodedata.normalize("NFC", done.stdout.decode("utf-8"))
    ours = tcvn3_to_unicode(data.decode("latin-1"))
    compared = [
        (hex(byte), mine, theirs)
        for byte, mine, theirs in zip(data, ours, reference, strict=True)
        if theirs.islower() or byte <= 0xA7
    ]
    assert all(mine == theirs for _, mine, theirs in compared), compared
    assert len(compared) > 70
