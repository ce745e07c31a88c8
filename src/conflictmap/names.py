"""Normalising names and numbers written in Arabic or in any Latin spelling."""

from __future__ import annotations

import re
import unicodedata

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ARABIC_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ؤ": "و",
        "ئ": "ي",
        "ی": "ي",
        "ک": "ك",
        "ھ": "ه",
        "ۀ": "ه",
        "ء": "",
        "ـ": "",
    }
)
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_ARABIC = re.compile("[\u0600-\u06ff]")
_APOSTROPHES = re.compile("[\u02bb\u02bc\u02be\u02bf\u2018\u2019`'\u00b4]")
_NON_WORD = re.compile(r"[^\w]+")
# Latin article forms: al-, el-, and the sun-letter assimilations (ad-, ash-, az-...).
_ARTICLES = "al|el|il|ul|ad|ed|adh|an|ar|er|as|es|ash|esh|at|et|ath|az|ez|aj"
_LATIN_ARTICLE = re.compile(rf"\b(?:{_ARTICLES})\s+(?=\w)")
# a name's article as a report writes it, often in lower case ("al-Kishmah", "ad-Duwair")
LEADING_ARTICLE = re.compile(rf"^(?:{_ARTICLES})[-‑‐]", re.IGNORECASE)
_FOLDS = (
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("ei", "ay"),
    ("ai", "ay"),
    ("kh", "k"),
    ("gh", "g"),
    ("sh", "s"),
    ("th", "d"),
    ("dh", "d"),
    ("dj", "j"),
    ("q", "k"),
    ("ph", "f"),
    ("ch", "s"),
    ("x", "ks"),
    ("e", "a"),
    ("o", "u"),
    ("iyy", "iy"),
    ("y", "i"),
)


def ascii_digits(text: str) -> str:
    """Arabic-Indic and Persian digits to 0-9 (the Arabic decimal comma too)."""
    return text.translate(_DIGITS).replace("٫", ".").replace("٬", "")


def is_arabic(text: str) -> bool:
    return bool(_ARABIC.search(text))


def normalise_arabic(text: str) -> str:
    """Fold alef/hamza forms, ta marbuta, alef maqsura; drop diacritics and tatweel."""
    text = _ARABIC_MARKS.sub("", text)
    return text.translate(_ARABIC_LETTERS)


def _strip_arabic_article(word: str) -> str:
    if word.startswith("وال") and len(word) > 4:
        word = word[1:]
    return word[2:] if word.startswith("ال") and len(word) > 3 else word


def _latin_plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text).lower()
    return " ".join(_NON_WORD.sub(" ", text).split())


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Text folded for matching (Arabic forms, diacritics, digits, case) and, for each
    folded character, the index of the character it came from (plus one past the end)."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if _ARABIC_MARKS.match(ch) or ch == "ـ":
            continue
        for folded in ch.translate(_DIGITS).translate(_ARABIC_LETTERS).lower():
            out.append(folded)
            where.append(i)
    where.append(len(text))
    return "".join(out), where


def name_key(text: str) -> str:
    """A spelling-tolerant key: articles, spaces, diacritics and case do not matter.

    ``البوكمال`` and ``البو كمال`` give the same key; ``Al-Mayadin``, ``al Mayādīn`` and
    ``Mayadin`` give the same key.
    """
    text = ascii_digits(str(text)).strip()
    if is_arabic(text):
        words = _NON_WORD.sub(" ", normalise_arabic(text)).split()
        return "".join(_strip_arabic_article(w) for w in words)
    plain = _latin_plain(text)
    plain = _LATIN_ARTICLE.sub("", plain)
    return plain.replace(" ", "")


def phonetic_key(text: str) -> str:
    """A coarser key for Latin transliterations: Quriyeh ~ Quriyah, Thiban ~ Dhiban."""
    key = name_key(text)
    if is_arabic(key):
        return key
    key = re.sub(r"aw(?=[^aeiouy]|$)", "o", key)  # Shawla ~ Shola (but Hawayij)
    for old, new in _FOLDS:
        key = key.replace(old, new)
    key = re.sub(r"(.)\1+", r"\1", key)  # doubled letters
    key = re.sub(r"(?<=.)h(?=[^aiu]|$)", "", key)  # silent h: Quriyah -> Quriya
    return key


def skeleton_key(text: str) -> str:
    """Consonants only (after the first letter): Basira ~ Busayrah."""
    return skeleton(phonetic_key(text))


def skeleton(key: str) -> str:
    """``skeleton_key`` of a ``phonetic_key`` (the gazetteer has one already)."""
    if not key or is_arabic(key):
        return key
    return key[0] + re.sub(r"[aiuwh]", "", key[1:])
