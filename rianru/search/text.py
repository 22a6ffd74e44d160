"""Thai-first text processing for search: normalise, segment into words, highlight.

Thai is written without spaces between words, so text is segmented with nlpo3 (the Rust port of
PyThaiNLP's newmm) over the stock PyThaiNLP word list plus the project dictionary
(`data/dictionary-th.txt`). The same pipeline runs at index time and at query time; the index stores
`dictionary_version()` and is rebuilt when it changes. See README.md, "Thai text".

Pipeline: `normalize()` (NFC, invisible characters, Thai spelling fixes, Thai digits, casefold) ->
fold accents and compatibility forms of non-Thai letters -> segment in bounded chunks -> clean each
token (drop punctuation, strip dots from Thai abbreviations, stem English words) -> on the index
side only, compounds are followed by their parts (บึงแก่นนคร: บึง, แก่น, นคร, แก่นนคร), so a query for a
part finds the whole.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import tempfile
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import nlpo3
import snowballstemmer
from pythainlp.corpus import corpus_path
from pythainlp.util import normalize as thai_normalize

MAX_QUERY_CHARS = 200
MAX_QUERY_TOKENS = 16
# Bump when the pipeline changes what tokens it makes: the index is then rebuilt.
PIPELINE_VERSION = "3"

DICTIONARY_FILE = Path(__file__).resolve().parent / "data" / "dictionary-th.txt"
STOCK_WORDS_FILE = Path(corpus_path()) / "words_th.txt"

# nlpo3 is fed at most this many characters at a time (a cut falls on a space, or on a word boundary
# the segmenter found), so its cost stays linear in the input whatever the input is.
CHUNK_CHARS = 1000
# highlight() looks for matches in this much of a text at most.
HIGHLIGHT_SCAN_CHARS = 5000
ELLIPSIS = "…"

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Thai vowels, tone marks and signs that follow a consonant. Real words never stack more than three;
# longer runs are cut before PyThaiNLP's normaliser, whose regexes are quadratic on them (100 KB of
# "า" takes over a minute).
_MARK_RUN = re.compile("[\u0e30-\u0e3a\u0e45\u0e47-\u0e4e]{5,}")
_MAX_MARKS = 4
# What PyThaiNLP's normaliser repairs: decomposed sara am (ํ), doubled sara e, a repeated vowel or mark,
# a tone mark before a vowel, two tone marks, a mark with no consonant before it.
_NEEDS_THAI_FIX = re.compile(
    "\u0e4d|\u0e40\u0e40|([\u0e30-\u0e3a\u0e40-\u0e4e])\\1|[\u0e48-\u0e4b][\u0e31\u0e34-\u0e3a\u0e47-\u0e4b]"
    "|(?:^|[^\u0e01-\u0e2e\u0e30-\u0e3a\u0e45-\u0e4e])[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]"
)
# Words never span spaces: text is tokenised space-separated chunk by chunk, and chunks repeat (names,
# places, common phrases), so each chunk's tokens are remembered. Longer chunks are not cached.
_CACHED_CHUNK_CHARS = 200
_NOT_ASCII_OR_THAI = re.compile("[^\x00-\x7f\u0e00-\u0e7f]")
_THAI = re.compile("[\u0e00-\u0e7f]")
_ASCII_WORD = re.compile("[a-z]+")
_GROUPED_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
# Mai yamok (repeat) and paiyannoi (abbreviation) are letters to Unicode but carry no meaning alone.
_THAI_REPEAT_SIGNS = str.maketrans("", "", "ๆฯ")
_WORD_CATEGORIES = ("L", "N")
_NOT_WORDS = frozenset({"ฯลฯ"})  # "etc."


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M"


def _is_wordish(ch: str) -> bool:
    """Letters, digits and combining marks (Thai vowels and tone marks are marks, category Mn)."""
    return unicodedata.category(ch)[0] in ("L", "N", "M")


# --- normalisation ----------------------------------------------------------------------------------


def normalize(text: str) -> str:
    """NFC (never NFKC: it decomposes sara am), no invisible characters, PyThaiNLP's spelling fixes
    (decomposed sara am, เเ -> แ, tone mark order, doubled marks), Arabic digits, casefolded, single
    spaces."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = " ".join(text.split())
    text = _MARK_RUN.sub(lambda m: m.group()[:_MAX_MARKS], text)
    if _NEEDS_THAI_FIX.search(text):  # PyThaiNLP's 30-odd regexes only where one can apply
        text = thai_normalize(text)
    return " ".join(text.translate(_THAI_DIGITS).casefold().split())


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """A non-Thai, non-ASCII character as plain letters: é -> e, ﬁ -> fi, Ａ -> a; other scripts
    keep their marks (NFKC only)."""
    decomposed = unicodedata.normalize("NFKD", ch)
    if decomposed and decomposed[0].isascii():
        return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return unicodedata.normalize("NFKC", ch).casefold()


def _prepare(text: str) -> str:
    text = normalize(text)
    return _NOT_ASCII_OR_THAI.sub(lambda m: _fold_char(m.group()), text)


# --- dictionaries -----------------------------------------------------------------------------------


def _project_entries() -> list[str]:
    """The project dictionary's entries, as written (comments and blank lines left out)."""
    lines = DICTIONARY_FILE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


@dataclass(frozen=True)
class _Dictionaries:
    version: str
    combined: str  # nlpo3 dictionary name: stock + project words
    stock: str  # nlpo3 dictionary name: stock words only
    subtokens: dict[str, tuple[str, ...]]  # compound -> its parts
    halves: dict[str, tuple[str, str]]  # stock compound -> its two halves


_loaded: _Dictionaries | None = None
_load_lock = threading.Lock()


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # pragma: no cover
        return "?"


def _effective_words(entries: list[str]) -> list[str]:
    """Project entries as the segmenter sees them: abbreviations also without their dots."""
    words = set(entries)
    words.update(word.replace(".", "") for word in entries if "." in word and _THAI.search(word))
    return sorted(words)


def _compute_version(words: list[str]) -> str:
    digest = hashlib.sha256()
    for part in (
        f"pipeline {PIPELINE_VERSION}",
        f"nlpo3 {_package_version('nlpo3')}",
        f"pythainlp {_package_version('pythainlp')}",
        f"snowballstemmer {_package_version('snowballstemmer')}",
        hashlib.sha256(STOCK_WORDS_FILE.read_bytes()).hexdigest(),
        "\n".join(words),
    ):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def _cache_dir() -> Path:
    path = Path(tempfile.gettempdir()) / f"rianru-search-{os.getuid() if hasattr(os, 'getuid') else 0}"
    try:
        path.mkdir(mode=0o700, exist_ok=True)
        if os.access(path, os.W_OK):
            return path
    except OSError:
        pass
    return Path(tempfile.mkdtemp(prefix="rianru-search-"))


def _stock_words() -> list[str]:
    """The stock word list without its multi-word entries ("ไปๆ มาๆ"): a term never holds a space."""
    lines = STOCK_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not any(ch.isspace() for ch in line)]


def _write_words(name: str, words: Iterable[str]) -> Path:
    """A word list that nlpo3 can load, in a cache folder; `name` holds the version."""
    directory = _cache_dir()
    path = directory / f"{name}.txt"
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write("\n".join(words) + "\n")
        os.replace(tmp, path)
    return path


def _load_nlpo3(path: Path, name: str) -> None:
    message, ok = nlpo3.load_dict(str(path), name)
    # nlpo3 refuses to load a name twice (it stays loaded): that is fine, it is the same file.
    if not ok and "exist" not in message.lower():  # pragma: no cover
        raise RuntimeError(f"nlpo3 could not load {path}: {message}")


def _dictionaries() -> _Dictionaries:
    """Loaded once per process; the lock keeps concurrent first requests from loading twice."""
    global _loaded
    if _loaded is not None:
        return _loaded
    with _load_lock:
        if _loaded is None:
            entries = [normalize(entry) for entry in _project_entries()]
            words = _effective_words(entries)
            version = _compute_version(words)
            stock_name = f"rianru-stock-{version}"
            combined_name = f"rianru-{version}"
            stock = _stock_words()
            _load_nlpo3(_write_words(stock_name, stock), stock_name)
            _load_nlpo3(_write_words(combined_name, [*stock, *words]), combined_name)
            halves = _stock_halves(stock)
            subtokens = _stock_compound_parts(halves)
            subtokens.update(_compound_parts(entries, stock_name))
            _loaded = _Dictionaries(
                version=version, combined=combined_name, stock=stock_name, subtokens=subtokens, halves=halves
            )
    return _loaded


def _compound_parts(entries: list[str], stock_name: str) -> dict[str, tuple[str, ...]]:
    """For each compound entry (one the stock list splits), its parts: the stock segmentation plus
    the other compound entries inside it, so บึงแก่นนคร gives บึง, แก่น, นคร and แก่นนคร."""
    split: dict[str, list[str]] = {}
    for word in entries:
        key = _clean(word)
        if not key:
            continue
        # Abbreviations split at their dots (รพ.สต. -> รพ, สต), never into single letters.
        pieces = word.split(".") if "." in word else _segment(word, stock_name)
        parts = [p for p in map(_clean, pieces) if p and p != key]
        if parts:
            split.setdefault(key, [])
            split[key].extend(p for p in parts if p not in split[key])
    compounds = set(split)
    for key, parts in split.items():
        parts.extend(
            other for other in sorted(compounds) if other != key and other in key and other not in parts
        )
    return {key: tuple(parts) for key, parts in split.items()}


# A stock word made of two stock words at least this long each is also indexed as its parts.
_MIN_PART_CHARS = 4
# ... and so is one made of two shorter words that are both common on their own: each seen at least this
# often in the Thai National Corpus (ภาษา|จีน, จีน|กลาง, ทำ|อาหาร, ผ้า|ไหม; not สมุน|ไพร or วิทยา|ลัย).
_COMMON_PART_COUNT = 5000
_MIN_COMMON_PART_CHARS = 2


def _common_words() -> set[str]:
    from pythainlp.corpus import tnc

    return {word for word, count in tnc.word_freqs() if count >= _COMMON_PART_COUNT}


def _stock_halves(stock: list[str]) -> dict[str, tuple[str, str]]:
    """Each stock word that is two stock words, long or common (see above): its two halves."""
    known = set(stock)
    common = _common_words() & known
    halves: dict[str, tuple[str, str]] = {}
    for word in stock:
        for cut in range(len(word) - _MIN_COMMON_PART_CHARS, _MIN_COMMON_PART_CHARS - 1, -1):
            first, second = word[:cut], word[cut:]
            if _is_mark(word[cut]) or first not in known or second not in known:
                continue
            long_enough = len(first) >= _MIN_PART_CHARS and len(second) >= _MIN_PART_CHARS
            if long_enough or (first in common and second in common):
                halves[word] = (first, second)
                break
    return halves


def _stock_compound_parts(halves: dict[str, tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """The stock list holds long compounds (ห้องสมุดประชาชน) that would hide their words from a
    search (ห้องสมุด): each such word gets its halves as its parts, recursively (ห้องสมุด, ประชาชน,
    ห้อง, สมุด). Rare short pieces (มหา|วิทยาลัย, สมุน|ไพร) are left whole."""

    def parts(word: str) -> list[str]:
        if word not in halves:
            return []
        first, second = halves[word]
        return [first, second, *parts(first), *parts(second)]

    return {word: tuple(dict.fromkeys(parts(word))) for word in halves}


def compound_halves(token: str) -> tuple[str, str] | None:
    """A query word that is a compound of the stock list, as its two halves: a document segmented
    differently (ภาษา|จีนกลาง for ภาษาจีน) still has both halves."""
    return _dictionaries().halves.get(token)


def dictionary_version() -> str:
    """Changes whenever segmentation may change: project dictionary, stock word list, libraries,
    pipeline."""
    return _dictionaries().version


# --- segmentation and tokens ------------------------------------------------------------------------


def _cluster_start(text: str, pos: int) -> int:
    """The nearest position at or before `pos` that does not split a base character from its marks."""
    while 0 < pos < len(text) and _is_mark(text[pos]):
        pos -= 1
    return pos


def _segment(text: str, dict_name: str) -> list[str]:
    """nlpo3 newmm in bounded chunks; the pieces concatenate to `text`."""
    tokens: list[str] = []
    pos, end = 0, len(text)
    while pos < end:
        stop = min(pos + CHUNK_CHARS, end)
        inside_word = False
        if stop < end:
            space = max(text.rfind(" ", pos + 1, stop + 1), text.rfind("\n", pos + 1, stop + 1))
            if space > pos:
                stop = space
            else:
                inside_word = True
                cluster = _cluster_start(text, stop)
                stop = cluster if cluster > pos else stop
        pieces = nlpo3.segment(text[pos:stop], dict_name, False)
        if inside_word and len(pieces) > 1:
            # The cut fell inside a long unspaced run: drop the last word, which the cut may have
            # split, and start the next chunk where it began.
            pieces.pop()
            stop = pos + sum(map(len, pieces))
        tokens.extend(pieces)
        pos = stop
    return tokens


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return _stemmer().stemWord(word)


_local = threading.local()


def _stemmer():
    # Snowball stemmers keep state between calls: one per thread.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return stemmer


@lru_cache(maxsize=262144)
def _clean(token: str) -> str:
    """A segment as an index term, or "" for punctuation and spaces (cached: words repeat)."""
    if token in _NOT_WORDS:
        return ""
    token = token.translate(_THAI_REPEAT_SIGNS)
    start, end = 0, len(token)
    while start < end and not _is_wordish(token[start]):
        start += 1
    while end > start and not _is_wordish(token[end - 1]):
        end -= 1
    token = token[start:end]
    if not any(unicodedata.category(ch)[0] in _WORD_CATEGORIES for ch in token):
        return ""
    if _THAI.search(token):
        return token.replace(".", "")  # มข. and มข are the same word
    if _GROUPED_NUMBER.fullmatch(token):
        return token.replace(",", "")  # 2,568 -> 2568
    if _ASCII_WORD.fullmatch(token):
        return _stem(token)
    return token


def _tokens(prepared: str, dicts: _Dictionaries) -> Iterator[str]:
    for piece in _segment(prepared, dicts.combined):
        for part in piece.split() if " " in piece else (piece,):
            token = _clean(part)
            if token:
                yield token


def index_tokens(text: str) -> list[str]:
    """The terms to index for a text (Thai, English or mixed), in order; compounds (entries of the
    project dictionary, long words of the stock list) are followed by their parts."""
    if not text:
        return []
    tokens: list[str] = []
    for chunk in text.split():
        tokens.extend(
            _chunk_index_tokens(chunk) if len(chunk) <= _CACHED_CHUNK_CHARS else _index_tokens(chunk)
        )
    return tokens


def _index_tokens(chunk: str) -> tuple[str, ...]:
    dicts = _dictionaries()
    tokens: list[str] = []
    for token in _tokens(_prepare(chunk), dicts):
        tokens.append(token)
        tokens.extend(dicts.subtokens.get(token, ()))
    return tuple(tokens)


_chunk_index_tokens = lru_cache(maxsize=200_000)(_index_tokens)


def _query_chunk_tokens(chunk: str) -> tuple[str, ...]:
    return tuple(_tokens(_prepare(chunk), _dictionaries()))


def _clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a space if one is near the end, never inside a cluster."""
    if len(text) <= limit:
        return text
    cut = _cluster_start(text, limit)
    space = max(text.rfind(" ", limit // 2, cut + 1), text.rfind("\n", limit // 2, cut + 1))
    return text[: space if space > 0 else cut]


def query_tokens(text: str) -> list[str]:
    """The terms of a query: the same segmentation as `index_tokens` without the compound parts,
    each term once, at most MAX_QUERY_TOKENS of them from the first MAX_QUERY_CHARS characters."""
    if not text:
        return []
    seen: dict[str, None] = {}
    for chunk in _clip(text, MAX_QUERY_CHARS).split():
        for token in _query_chunk_tokens(chunk):
            seen.setdefault(token)
            if len(seen) >= MAX_QUERY_TOKENS:
                return list(seen)
    return list(seen)


# --- keyboard layout --------------------------------------------------------------------------------

# Thai Kedmanee (TIS 820-2538) on a US QWERTY keyboard, key by key, unshifted then shifted.
_US_KEYS = "`1234567890-=qwertyuiop[]\\asdfghjkl;'zxcvbnm,./~!@#$%^&*()_+QWERTYUIOP{}|ASDFGHJKL:\"ZXCVBNM<>?"
_TH_KEYS = '_ๅ/-ภถุึคตจขชๆไำพะัีรนยบลฃฟหกดเ้่าสวงผปแอิืทมใฝ%+๑๒๓๔ู฿๕๖๗๘๙๐"ฎฑธํ๊ณฯญฐ,ฅฤฆฏโฌ็๋ษศซ.()ฉฮฺ์?ฒฬฦ'
_TO_THAI = str.maketrans(_US_KEYS, _TH_KEYS)
_TO_US = str.maketrans(_TH_KEYS, _US_KEYS)


def keyboard_swap(text: str) -> str | None:
    """The text as it was meant, if it was typed with the other keyboard layout ("l;ylfu" ->
    "สวัสดี", "ฟหกด" -> "asdf"); None unless the text is mostly letters of one script."""
    chars = [ch for ch in text if not ch.isspace()]
    if not chars:
        return None
    thai = sum(1 for ch in chars if "\u0e00" <= ch <= "\u0e7f")
    latin = sum(1 for ch in chars if ch.isascii() and ch.isalpha())
    if thai and latin:
        return None
    if latin:
        on_keys = sum(1 for ch in chars if ch in _US_KEYS)
        swapped = text.translate(_TO_THAI) if on_keys * 10 >= len(chars) * 9 else None
    elif thai * 2 > len(chars):
        swapped = text.translate(_TO_US)
    else:
        swapped = None
    return swapped if swapped and swapped != text else None


# --- highlighting -----------------------------------------------------------------------------------

# Fixed before segmenting the original text, with offsets kept: invisible characters, decomposed
# sara am and a doubled sara e (the ones that change where words break).
_LIGHT_FIX = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]|\u0e4d([\u0e48-\u0e4b]?)\u0e32|\u0e40\u0e40")


def _light_fix(text: str) -> tuple[str, list[int]]:
    """`text` with the _LIGHT_FIX repairs, and for each of its characters the offset it came from."""
    out: list[str] = []
    origin: list[int] = []
    last = 0
    for match in _LIGHT_FIX.finditer(text):
        out.append(text[last : match.start()])
        origin.extend(range(last, match.start()))
        found = match.group()
        if found == "\u0e40\u0e40":
            replacement = "\u0e41"
        elif found.startswith("\u0e4d"):
            replacement = (match.group(1) or "") + "\u0e33"
        else:
            replacement = ""
        out.append(replacement)
        origin.extend([match.start()] * len(replacement))
        last = match.end()
    out.append(text[last:])
    origin.extend(range(last, len(text)))
    return "".join(out), origin


def _spans(text: str) -> list[tuple[int, int]]:
    """Word segments of the original text as (start, end) offsets covering all of it."""
    fixed, origin = _light_fix(text)
    spans, pos = [], 0
    for piece in _segment(fixed, _dictionaries().combined):
        start = origin[pos]
        pos += len(piece)
        end = origin[pos] if pos < len(origin) else len(text)
        if end > start:
            spans.append((start, end))
    if not spans:  # nothing but invisible characters
        return [(0, len(text))]
    spans[0] = (0, spans[0][1])
    spans[-1] = (spans[-1][0], len(text))
    return spans


@lru_cache(maxsize=65536)
def _segment_terms(segment: str) -> frozenset[str]:
    return frozenset(index_tokens(segment)) if segment.strip() else frozenset()


def highlight(text: str, tokens: Iterable[str], *, max_chars: int = 180) -> str:
    """HTML: the original text (escaped) with the words whose terms are among `tokens` in <mark>;
    a window of about `max_chars` around the first match, "…" where it is cut; the beginning of the
    text when nothing matches."""
    if not text:
        return ""
    wanted = set(tokens)
    scanned = text[:HIGHLIGHT_SCAN_CHARS]
    spans = _spans(scanned)
    marked: dict[int, bool] = {}

    def is_marked(i: int) -> bool:
        if i not in marked:
            start, end = spans[i]
            marked[i] = bool(wanted) and not _segment_terms(scanned[start:end]).isdisjoint(wanted)
        return marked[i]

    if len(text) <= max_chars:
        first, last = 0, len(spans) - 1
    else:
        match = next((i for i in range(len(spans)) if is_marked(i)), None)
        first = _window_start(scanned, spans, match, max_chars)
        last = first
        while last + 1 < len(spans) and spans[last + 1][1] - spans[first][0] <= max_chars:
            last += 1
        if match is not None:
            last = max(last, match)
        while last > first and not scanned[spans[last][0] : spans[last][1]].strip():
            last -= 1
    parts: list[str] = []
    if spans[first][0] > 0:
        parts.append(ELLIPSIS)
    open_mark = False
    for i in range(first, last + 1):
        start, end = spans[i]
        piece = scanned[start:end]
        if len(piece) > max_chars:  # one unbroken run longer than the window
            piece = piece[: _cluster_start(piece, max_chars) or max_chars]
            end = start + len(piece)
        if is_marked(i) and not open_mark:
            parts.append("<mark>")
            open_mark = True
        elif open_mark and not is_marked(i):
            parts.append("</mark>")
            open_mark = False
        parts.append(html.escape(piece))
    if open_mark:
        parts.append("</mark>")
    if end < len(text):
        parts.append(ELLIPSIS)
    return "".join(parts)


def _window_start(text: str, spans: list[tuple[int, int]], match: int | None, max_chars: int) -> int:
    """The first segment of a window that shows some context before the match, starting at a word."""
    if match is None:
        return 0
    target = spans[match][0] - max_chars // 3
    if target <= 0:
        return 0
    first = next(i for i in range(match + 1) if spans[i][0] >= target)
    for i in range(first, match):
        if not text[spans[i][0] : spans[i][1]].strip():
            return i + 1
    return first
