"""Thai-first text processing: normalisation, segmentation, query terms, keyboard layouts, highlights.

No database: these are pure functions over text (the segmenter's dictionaries load once per process).
"""

import json
import re
import time
import unicodedata
from html import unescape
from pathlib import Path

import pytest

from rianru.search import text

# Khon Kaen's 26 districts (Department of Provincial Administration), as in the project dictionary.
DISTRICTS = [
    "เมืองขอนแก่น", "บ้านฝาง", "พระยืน", "หนองเรือ", "ชุมแพ", "สีชมพู", "น้ำพอง", "อุบลรัตน์", "กระนวน",
    "บ้านไผ่", "เปือยน้อย", "พล", "แวงใหญ่", "แวงน้อย", "หนองสองห้อง", "ภูเวียง", "มัญจาคีรี", "ชนบท",
    "เขาสวนกวาง", "ภูผาม่าน", "ซำสูง", "โคกโพธิ์ไชย", "หนองนาคำ", "บ้านแฮด", "โนนศิลา", "เวียงเก่า",
]  # fmt: skip
PROGRAMMES = Path(__file__).resolve().parents[2] / "demo" / "data" / "khon-kaen" / "programmes.json"


def visible(html: str) -> str:
    """The characters a reader sees in a highlight."""
    return unescape(re.sub(r"</?mark>", "", html))


# --- normalisation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("ทํางาน", "ทำงาน"),  # sara am as nikhahit + sara aa
        ("น้ํา", "น้ำ"),  # ... with a tone mark between
        ("นํ้า", "น้ำ"),  # ... with the tone mark after the nikhahit
        ("ท่ี่ดิน", "ที่ดิน"),  # tone mark typed before the vowel, and doubled
        ("ก้ี", "กี้"),
        ("เเปลก", "แปลก"),  # two sara e for sara ae
        ("ดีีี", "ดี"),  # doubled vowel
    ],
)
def test_spelling_variants_give_identical_tokens(typed, canonical):
    assert text.normalize(typed) == text.normalize(canonical)
    assert text.index_tokens(typed) == text.index_tokens(canonical)
    assert text.query_tokens(typed) == text.query_tokens(canonical)


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_invisible_characters_inside_a_word_are_ignored(invisible):
    assert text.query_tokens(f"ห้อง{invisible}สมุด") == ["ห้องสมุด"]
    assert text.index_tokens(f"{invisible}ห้องสมุด{invisible}ประชาชน") == text.index_tokens("ห้องสมุดประชาชน")


@pytest.mark.parametrize(("thai", "arabic"), [("๑๕", "15"), ("๒๕๖๘", "2568"), ("๐", "0")])
def test_thai_digits_match_arabic_digits(thai, arabic):
    assert text.query_tokens(thai) == [arabic]
    assert text.index_tokens(f"พ.ศ. {thai}") == text.index_tokens(f"พ.ศ. {arabic}")


def test_sara_am_survives_normalisation_and_nfkc_text_gives_the_same_tokens():
    word = "ขอนแก่นทำงานร่วมกัน"
    assert "\u0e33" in text.normalize(word)  # NFKC would have decomposed it
    nfkc = unicodedata.normalize("NFKC", word)
    assert nfkc != word
    assert text.index_tokens(nfkc) == text.index_tokens(word)
    assert "ทำงาน" in text.query_tokens(nfkc)


def test_normalize_casefolds_and_collapses_whitespace():
    assert text.normalize("  Khon\tKAEN \n\n ขอนแก่น  ") == "khon kaen ขอนแก่น"


# --- tokens -----------------------------------------------------------------------------------------


def test_mixed_thai_and_english():
    tokens = text.query_tokens("เรียน Python ที่ขอนแก่น 2 วัน (Libraries, Café)")
    assert tokens == ["เรียน", "python", "ที่", "ขอนแก่น", "2", "วัน", "librari", "cafe"]


@pytest.mark.parametrize(
    ("variant", "plain"),
    [("café", "cafe"), ("ＰＹＴＨＯＮ", "python"), ("Ｋｈｏｎ Ｋａｅｎ", "khon kaen"), ("naïve", "naive")],
)
def test_accents_and_compatibility_forms_of_latin_letters_are_folded(variant, plain):
    assert text.query_tokens(variant) == text.query_tokens(plain)


@pytest.mark.parametrize(
    ("inflected", "base"), [("libraries", "library"), ("Learning", "learn"), ("cities", "city")]
)
def test_english_words_are_stemmed(inflected, base):
    assert text.query_tokens(inflected) == text.query_tokens(base)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2,568", ["2568"]), ("15.5", ["15.5"]), ("40000", ["40000"]), ("๑,๐๐๐ บาท", ["1000", "บาท"])],
)
def test_numbers_are_kept(value, expected):
    assert text.query_tokens(value) == expected


@pytest.mark.parametrize(("with_dots", "without"), [("มข.", "มข"), ("กศน.", "กศน"), ("รพ.สต.", "รพสต")])
def test_abbreviations_match_with_or_without_dots(with_dots, without):
    assert text.query_tokens(with_dots) == text.query_tokens(without) == [without]


def test_thai_repetition_and_abbreviation_signs_are_not_words():
    assert text.query_tokens("กรุงเทพฯ ไปๆ มาๆ ฯลฯ") == ["กรุงเทพ", "ไป", "มา"]


def test_compound_entries_are_indexed_with_their_parts():
    tokens = text.index_tokens("บึงแก่นนคร")
    assert tokens[0] == "บึงแก่นนคร"
    assert {"บึง", "แก่น", "นคร", "แก่นนคร"} <= set(tokens)
    assert text.query_tokens("บึงแก่นนคร") == ["บึงแก่นนคร"]  # no parts on the query side


@pytest.mark.parametrize(
    ("query", "document"),
    [
        ("แก่นนคร", "บึงแก่นนคร"),
        ("แก่นนคร", "เดินรอบบึงแก่นนครตอนเย็น"),
        ("ขอนแก่น", "อำเภอเมืองขอนแก่น"),
        ("หนองแวง", "ชุมชนหนองแวงตราชู 3"),
        ("แวงตราชู", "หนองแวงตราชู"),
        ("ภูเวียง", "ภูเวียงโกซอรัส"),
        ("โกซอรัส", "ไดโนเสาร์ภูเวียงโกซอรัส"),
        ("รพ", "รพ.สต.บ้านตูม"),
        ("ตูม", "รพ.สต.บ้านตูม"),
        ("ห้องสมุด", "ห้องสมุดประชาชนจังหวัดขอนแก่น"),  # a compound of the stock word list
        ("สมุด", "ห้องสมุดประชาชน"),
    ],
)
def test_a_partial_query_finds_the_compound(query, document):
    assert text.query_tokens(query)
    assert set(text.query_tokens(query)) <= set(text.index_tokens(document))


@pytest.mark.parametrize("word", ["มหาวิทยาลัย", "โรงเรียน", "ประชาชน"])
def test_stock_words_with_short_pieces_stay_whole(word):
    assert text.index_tokens(word) == [word]


@pytest.mark.parametrize("district", DISTRICTS)
def test_each_district_is_one_token(district):
    assert text.query_tokens(district) == [district]
    assert text.index_tokens(f"อำเภอ{district} จังหวัดขอนแก่น")[:2] == ["อำเภอ", district]


def test_demo_titles_segment_the_same_at_index_and_query_time():
    programmes = json.loads(PROGRAMMES.read_text(encoding="utf-8"))
    for programme in programmes:
        for field in ("title_th", "title_en", "summary_th"):
            value = programme[field]
            assert set(text.query_tokens(value)) <= set(text.index_tokens(value)), value


@pytest.mark.parametrize(
    "value",
    [
        "",
        " ",
        "\n\t  \r\n",
        "!!!",
        "...",
        "—–-",
        "「」『』",
        "\u200b",
        "\u200b\u200c\ufeff \u2060",
        "ๆ",
        "ฯ",
        "่้",
    ],
)
def test_nothing_to_search_gives_no_tokens(value):
    assert text.query_tokens(value) == []
    assert text.index_tokens(value) == []


def test_query_is_capped_and_deduplicated():
    assert text.query_tokens("ขอนแก่น " * 500) == ["ขอนแก่น"]
    many = " ".join(f"word{i}" for i in range(100))
    tokens = text.query_tokens(many)
    assert len(tokens) == text.MAX_QUERY_TOKENS
    assert tokens[:3] == ["word", "0", "1"]


def test_a_long_query_is_not_cut_inside_a_character_cluster():
    # ที่ is three code points; a cut at MAX_QUERY_CHARS would leave ที without its tone mark.
    assert text.MAX_QUERY_CHARS % 3
    assert text.query_tokens("ที่" * 100) == ["ที่"]


THAI_100KB = ("ผ้าไหมมัดหมี่เป็นภูมิปัญญาที่ขึ้นชื่อของขอนแก่น ผู้เรียนจะได้ฝึกมัดเส้นไหมตามลาย " * 1300)[:100_000]


@pytest.mark.parametrize(
    "value",
    [THAI_100KB, "ก" * 100_000, "า" * 100_000, "่" * 100_000, "ํ" * 100_000, "\u200b" * 100_000, "." * 100_000],
    ids=["thai", "ko-kai", "sara-aa", "mai-ek", "nikhahit", "zero-width", "dots"],
)
def test_very_long_input_finishes(value):
    assert isinstance(text.index_tokens(value), list)
    assert len(text.query_tokens(value)) <= text.MAX_QUERY_TOKENS
    assert len(visible(text.highlight(value, ["ไหม"]))) <= 182


def test_index_tokens_throughput(capsys):
    """Measured, not asserted (shared machines vary): printed with `pytest -s`."""
    programmes = json.loads(PROGRAMMES.read_text(encoding="utf-8"))
    fields = ("title_th", "summary_th", "description_th", "title_en", "summary_en", "description_en")
    base = "\n".join(p[f] for p in programmes for f in fields)
    mixed = (base * (1_000_000 // len(base) + 1))[:1_000_000]
    started = time.perf_counter()
    tokens = text.index_tokens(mixed)
    seconds = time.perf_counter() - started
    assert len(tokens) > 100_000
    with capsys.disabled():
        print(
            f"\nindex_tokens: 1 MB mixed Thai/English in {seconds:.2f} s = "
            f"{len(mixed) / seconds:,.0f} chars/s"
        )


# --- keyboard layout --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("l;ylfu", "สวัสดี"),
        ("shv'l,6f", "ห้องสมุด"),
        ("-vocdjo", "ขอนแก่น"),
        ("giupo", "เรียน"),
        ("ฟหกด", "asdf"),
        ("ญัะ้นื", "Python"),
        ("ษ้นื ษฟำื", "Khon Kaen"),
    ],
)
def test_keyboard_swap(typed, meant):
    assert text.keyboard_swap(typed) == meant
    assert text.keyboard_swap(meant) == typed


@pytest.mark.parametrize("value", ["", "   ", "2568", "!!!", "ขอนแก่น Khon Kaen", "naïve café", "เ1"])
def test_keyboard_swap_refuses_what_is_not_one_script(value):
    assert text.keyboard_swap(value) is None


# --- highlighting -----------------------------------------------------------------------------------


def test_highlight_escapes_html():
    snippet = text.highlight('<script>alert("x")</script> & ขอนแก่น', text.query_tokens("alert ขอนแก่น"))
    assert "<script>" not in snippet
    assert (
        snippet == "&lt;script&gt;<mark>alert</mark>(&quot;x&quot;)&lt;/script&gt; &amp; <mark>ขอนแก่น</mark>"
    )


def test_highlight_marks_thai_words_in_the_original_text():
    assert text.highlight("เดินรอบบึงแก่นนครตอนเย็น", text.query_tokens("แก่นนคร")) == (
        "เดินรอบ<mark>บึงแก่นนคร</mark>ตอนเย็น"
    )
    # The original spelling is shown, not the normalised one.
    assert text.highlight("ทํางานเป็นทีม", text.query_tokens("ทำงาน")) == "<mark>ทํางาน</mark>เป็นทีม"
    assert text.highlight("ห้อง\u200bสมุดของเมือง", ["ห้องสมุด"]) == "<mark>ห้อง\u200bสมุด</mark>ของเมือง"
    # A compound is marked whole when one of its parts is searched for.
    assert text.highlight("ห้องสมุดประชาชน", ["ประชาชน"]) == "<mark>ห้องสมุดประชาชน</mark>"


def test_highlight_marks_english_words_by_stem():
    assert text.highlight("Public Libraries of Khon Kaen", text.query_tokens("library kaen")) == (
        "Public <mark>Libraries</mark> of Khon <mark>Kaen</mark>"
    )


def test_highlight_without_a_match_is_the_escaped_beginning():
    long = "ผ้าไหม <b>มัดหมี่</b> " * 40
    snippet = text.highlight(long, ["python"], max_chars=50)
    assert "<mark>" not in snippet
    assert snippet.startswith("ผ้าไหม &lt;b&gt;มัดหมี่")
    assert snippet.endswith("…")
    assert len(visible(snippet)) <= 51


def test_highlight_shows_a_window_around_the_first_match():
    long = "ผ้าไหมมัดหมี่เป็นภูมิปัญญาของขอนแก่น " * 20 + "เดินรอบบึงแก่นนคร " + "ทอผ้า " * 50
    snippet = text.highlight(long, text.query_tokens("แก่นนคร"), max_chars=120)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>บึงแก่นนคร</mark>" in snippet
    assert len(visible(snippet)) <= 122
    assert visible(snippet)[1:-1] in long  # cut at word boundaries of the original


def test_highlight_of_an_empty_text_is_empty():
    assert text.highlight("", ["x"]) == ""
    assert text.highlight("\u200b", ["x"]) == "\u200b"


# --- dictionary -------------------------------------------------------------------------------------


def test_dictionary_file_is_sorted_without_duplicates():
    entries = text._project_entries()
    assert entries == sorted(entries)
    assert len(entries) == len(set(entries))
    for entry in entries:
        assert entry == text.normalize(entry), entry
        assert not any(ch.isspace() for ch in entry), entry


def test_dictionary_holds_the_districts():
    assert set(DISTRICTS) <= set(text._project_entries())


def test_dictionary_version_is_a_stable_hash():
    version = text.dictionary_version()
    assert re.fullmatch(r"[0-9a-f]{16}", version)
    assert text.dictionary_version() == version
    assert text._compute_version(["ขอนแก่น", "เพิ่ม"]) != text._compute_version(["ขอนแก่น"])


@pytest.mark.parametrize(
    "word, parts",
    [
        ("ทำอาหาร", ("ทำ", "อาหาร")),  # two common words: อาหาร finds ทำอาหาร
        ("ผ้าไหม", ("ผ้า", "ไหม")),
        ("ภาษาจีน", ("ภาษา", "จีน")),
        ("ห้องสมุดประชาชน", ("ห้องสมุด", "ประชาชน")),  # two long words
    ],
)
def test_compounds_of_common_or_long_words_are_indexed_with_their_halves(word, parts):
    assert text.compound_halves(word) == parts
    assert set(parts) <= set(text.index_tokens(word))


@pytest.mark.parametrize("word", ["สมุนไพร", "มหาวิทยาลัย", "หมอลำ"])
def test_words_with_a_rare_short_piece_stay_whole(word):
    assert text.compound_halves(word) is None
    assert text.index_tokens(word) == [word]
