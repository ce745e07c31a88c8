import pytest

from conflictmap.names import ascii_digits, name_key, phonetic_key, skeleton_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("البوكمال", "البو كمال"),
        ("الميادين", "ميادين"),
        ("أبو كمال", "ابو كمال"),
        ("دير الزّور", "دير الزور"),  # shadda
        ("القائمـــة", "القائمة"),  # tatweel
        ("قرية", "قريه"),  # ta marbuta
        ("مستشفى", "مستشفي"),  # alef maqsura
        ("Al-Mayadin", "al Mayādīn"),
        ("Deir ez-Zor", "Deir EZ Zor"),
        ("Qal‘at Sukkar", "Qal`at Sukkar"),
    ],
)
def test_same_name_key(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Quriyeh", "Al Quriyah"), ("Thiban", "Dhiban"), ("Mayadeen", "Mayadin")],
)
def test_same_phonetic_key(a, b):
    assert phonetic_key(a) == phonetic_key(b)


def test_skeleton_matches_vowel_variants():
    assert skeleton_key("Basira") == skeleton_key("Al Busayrah")


@pytest.mark.parametrize(("a", "b"), [("Hama", "Homs"), ("Raqqa", "Daraa"), ("حلب", "حماة")])
def test_different_places_differ(a, b):
    assert name_key(a) != name_key(b)


def test_arabic_indic_digits():
    assert ascii_digits("٢٥ و ۱۲ و ٣٫٥") == "25 و 12 و 3.5"
