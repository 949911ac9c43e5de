#!/usr/bin/env python3
"""Builds the default model's pretraining corpus from openly licensed text in the nine sample languages.

Usage: build_corpus.py DEB_ROOT NPM_DIR UDHR_CORPUS OUTPUT_FILE [ALIGNED_FILE]

DEB_ROOT     a directory into which build.sh extracted (dpkg-deb -x) the Debian packages it lists;
NPM_DIR      a directory holding the extracted npm packages cldr-annotations-full and cldr-dates-full (package/);
UDHR_CORPUS  the UDHR corpus extract_udhr.py wrote (kept whole: it is the only text in 500+ languages);
OUTPUT_FILE  the corpus: UTF-8, one passage per line.
ALIGNED_FILE optional: the aligned groups alone, one group per line, its texts separated by tabs (the input of
             `rembert pretrain --objective translation-ranking`); the corpus is the same with or without it.

Two kinds of text, both deterministic (files in sorted order, passages chosen by a hash of their text, never by chance):
- prose, one language at a time, capped per language so no language drowns the others (LibreOffice's help,
  GNOME's user help, the Debian Reference, manual pages);
- aligned text: the same message, name or word in several languages on consecutive lines (GNOME applications'
  translations, ISO names, CLDR's emoji keywords and date words, FreeDict dictionaries). Pretraining reads the corpus
  as one stream cut into blocks, so a group of translations usually shares a block, and predicting a masked word of
  one language can use its translation in another: the signal a small multilingual model lacks most.
Statistics per language and source go to stderr.
"""
import collections
import gettext
import gzip
import hashlib
import html.parser
import json
import pathlib
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

# The sample languages, in the order aligned groups list them (English first: it is the pivot of most sources).
LANGUAGES = ["en", "fr", "es", "de", "ru", "ja", "zh", "ar", "hi"]
# Estimated words of prose kept per language (see words()); aligned text is not capped, it is small.
PROSE_WORDS_PER_LANGUAGE = 600_000
# Dictionary entries kept per FreeDict dictionary: those whose English side is most frequent in the English prose.
DICTIONARY_ENTRIES = 12_000
# The script a line of each language must mostly be written in (Latin-script lines of fr/es/de that equal an English
# line are dropped separately: untranslated help pages ship the English text).
SCRIPTS = {
    "ru": re.compile(r"[\u0400-\u04FF]"),
    "ja": re.compile(r"[\u3040-\u30FF\u4E00-\u9FFF]"),
    "zh": re.compile(r"[\u4E00-\u9FFF]"),
    "ar": re.compile(r"[\u0600-\u06FF]"),
    "hi": re.compile(r"[\u0900-\u097F]"),
}
LETTER = re.compile(r"\w")
KANA = re.compile(r"[\u3040-\u30FF]")


def words(text, language):
    """A tokenizer-free size: words for spaced scripts, characters / 1.7 for Japanese and Chinese."""
    return len(text) / 1.7 if language in ("ja", "zh") else len(text.split())


def in_script(line, language):
    pattern = SCRIPTS.get(language)
    if pattern is None:
        return True
    letters = len(LETTER.findall(line))
    if letters == 0 or len(pattern.findall(line)) < 0.5 * letters:
        return False
    # Chinese text has no kana; Japanese prose nearly always has some.
    if language == "zh" and KANA.search(line):
        return False
    return True


def clean(text):
    return " ".join(text.split())


def stable_order(lines):
    """Passages ordered by a hash of their text: a cap then keeps a spread of every document, the same everywhere."""
    return sorted(lines, key=lambda line: hashlib.sha1(line.encode("utf-8")).digest())


# ---------------------------------------------------------------- prose

class HtmlParagraphs(html.parser.HTMLParser):
    BLOCKS = {"h1", "h2", "h3", "h4", "h5", "p", "li", "td", "dt", "dd"}
    SKIP = {"script", "style", "header", "nav", "footer", "pre", "code"}

    def __init__(self):
        super().__init__()
        self.lines, self.depth, self.skip, self.text = [], 0, 0, []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif tag in self.BLOCKS:
            if self.depth > 0:
                self.flush()
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skip > 0:
            self.skip -= 1
        elif tag in self.BLOCKS and self.depth > 0:
            self.depth -= 1
            self.flush()

    def handle_data(self, data):
        if self.depth > 0 and self.skip == 0:
            self.text.append(data)

    def flush(self):
        line = clean("".join(self.text))
        if line:
            self.lines.append(line)
        self.text = []


def html_passages(paths):
    for path in paths:
        parser = HtmlParagraphs()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        yield from parser.lines


MALLARD = "{http://projectmallard.org/1.0/}"


def mallard_passages(paths):
    for path in paths:
        try:
            root = ElementTree.parse(path).getroot()
        except ElementTree.ParseError:
            continue
        for element in root.iter():
            if element.tag in (MALLARD + "p", MALLARD + "title", MALLARD + "desc"):
                line = clean("".join(element.itertext()))
                if line:
                    yield line


def manpage_passages(paths):
    for path in paths:
        try:
            source = gzip.open(path).read()
            rendered = subprocess.run(["groff", "-Tutf8", "-mandoc", "-P-cbou", "-Kutf8"], input=source,
                                      capture_output=True, timeout=60).stdout.decode("utf-8", errors="replace")
        except (OSError, EOFError, subprocess.TimeoutExpired):
            continue
        paragraph = []
        for raw in rendered.splitlines():
            if raw.strip() and raw.startswith("       "):
                paragraph.append(raw.strip())
            else:
                if paragraph:
                    yield clean(" ".join(paragraph))
                paragraph = []
        if paragraph:
            yield clean(" ".join(paragraph))


def prose_sources(root):
    """(language, source name, passages) for every prose source, files sorted."""
    share = root / "usr/share"
    help_dirs = {"en": "en-US", "fr": "fr", "es": "es", "de": "de", "ru": "ru", "ja": "ja", "zh": "zh-CN", "hi": "hi"}
    gnome_dirs = {"en": "C", "fr": "fr", "es": "es", "de": "de", "ru": "ru", "ja": "ja", "zh": "zh_CN", "hi": "hi"}
    man_dirs = {"en": "", "fr": "fr", "es": "es", "de": "de", "ru": "ru", "ja": "ja", "zh": "zh_CN"}
    for language in LANGUAGES:
        if language in help_dirs:
            yield language, "libreoffice-help", html_passages(sorted((share / "libreoffice/help" / help_dirs[language]).rglob("*.html")))
        if language in gnome_dirs:
            yield language, "gnome-user-docs", mallard_passages(sorted((share / "help" / gnome_dirs[language]).rglob("*.page")))
        reference = share / "debian-reference"
        if reference.is_dir():
            yield language, "debian-reference", html_passages(sorted(reference.glob(f"*.{language}.html")))
        if language in man_dirs:
            base = share / "man" / man_dirs[language] if man_dirs[language] else share / "man"
            pages = sorted(path for section in ("man1", "man5", "man7", "man8") for path in (base / section).glob("*.gz"))
            yield language, "manpages", manpage_passages(pages)


def collect_prose(root, stats):
    english = set()
    prose = collections.defaultdict(list)
    for language, source, passages in prose_sources(root):
        kept = []
        for line in passages:
            if len(line) < 20 or not in_script(line, language):
                continue
            if language == "en":
                english.add(line)
            elif language in ("fr", "es", "de") and line in english:
                continue
            kept.append((line, source))
        prose[language].extend(kept)
    chosen = {}
    for language in LANGUAGES:
        seen, total, lines = set(), 0.0, []
        by_text = dict(prose[language])
        for line in stable_order(by_text):
            if line in seen:
                continue
            seen.add(line)
            if total >= PROSE_WORDS_PER_LANGUAGE:
                break
            total += words(line, language)
            lines.append(line)
            stats[(language, by_text[line])] += words(line, language)
        chosen[language] = lines
    return chosen


# ---------------------------------------------------------------- aligned text

LOCALE_DIRS = {"fr": "fr", "es": "es", "de": "de", "ru": "ru", "ja": "ja", "zh": "zh_CN", "ar": "ar", "hi": "hi"}
MARKUP = re.compile(r"~(?=\w)|<[^>]+>|%[-+ #0-9.]*[sdiufgxXcl]|%\([a-z_]+\)[sd]|\{[0-9a-z_]*\}|_(?=\w)|\\n|&[a-z]+;")


def message_text(text):
    text = clean(MARKUP.sub(" ", text))
    return text if sum(ch.isalpha() for ch in text) >= 2 else ""


# Where the packages keep their message catalogs: GNOME's and the ISO lists' locale tree, LibreOffice's UI resources.
LOCALE_ROOTS = ["usr/share/locale", "usr/lib/libreoffice/program/resource"]


def catalog_groups(root):
    """The same message in English and each language that translates it, one group per message, for every catalog."""
    for locale in (root / relative for relative in LOCALE_ROOTS):
        yield from locale_groups(locale)


def locale_groups(locale):
    domains = sorted({path.name for path in locale.glob("*/LC_MESSAGES/*.mo")})
    for domain in domains:
        catalogs = {}
        for language, directory in LOCALE_DIRS.items():
            path = locale / directory / "LC_MESSAGES" / domain
            if path.exists():
                with open(path, "rb") as handle:
                    catalogs[language] = gettext.GNUTranslations(handle)._catalog
        keys = sorted({key for catalog in catalogs.values() for key in catalog if isinstance(key, str) and key})
        for key in keys:
            source = message_text(key.split("\x04")[-1])
            if not source:
                continue
            group = [("en", source)]
            for language in LANGUAGES[1:]:
                translation = catalogs.get(language, {}).get(key)
                if translation:
                    text = message_text(translation)
                    if text and text != source and in_script(text, language):
                        group.append((language, text))
            if len(group) >= 3:
                yield domain, group


def cldr_annotation_groups(npm):
    names = {language: language for language in LANGUAGES}
    tables = {}
    for language in LANGUAGES:
        path = npm / "cldr-annotations-full/package/annotations" / names[language] / "annotations.json"
        tables[language] = json.loads(path.read_text(encoding="utf-8"))["annotations"]["annotations"]
    for symbol in sorted(tables["en"]):
        group = []
        for language in LANGUAGES:
            entry = tables[language].get(symbol)
            if entry:
                spoken = ", ".join(entry.get("tts", []))
                keywords = ", ".join(word for word in entry.get("default", []) if word not in entry.get("tts", []))
                group.append((language, f"{symbol} {spoken}: {keywords}" if keywords else f"{symbol} {spoken}"))
        if len(group) >= 3:
            yield "cldr-annotations", group


def cldr_date_groups(npm):
    main = npm / "cldr-dates-full/package/main"
    calendars = {language: json.loads((main / language / "ca-gregorian.json").read_text(encoding="utf-8"))["main"][language]["dates"]["calendars"]["gregorian"]
                 for language in LANGUAGES}
    fields = {language: json.loads((main / language / "dateFields.json").read_text(encoding="utf-8"))["main"][language]["dates"]["fields"]
              for language in LANGUAGES}

    def group_of(read):
        group = []
        for language in LANGUAGES:
            try:
                value = read(language)
            except KeyError:
                continue
            if value:
                group.append((language, value))
        return group

    for kind in ("months", "days"):
        for width in ("wide",):
            keys = calendars["en"][kind]["format"][width]
            for key in keys:
                yield "cldr-dates", group_of(lambda language: calendars[language][kind]["format"][width][key])
    for period in ("morning1", "afternoon1", "evening1", "night1", "noon", "midnight"):
        yield "cldr-dates", group_of(lambda language: calendars[language]["dayPeriods"]["format"]["wide"][period])
    for field in sorted(fields["en"]):
        for relative in ("-1", "0", "1"):
            key = f"relative-type-{relative}"
            if key in fields["en"][field]:
                yield "cldr-dates", group_of(lambda language: fields[language][field][key])


B64 = {character: value for value, character in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
PRONUNCIATION = re.compile(r"/[^/]*/")
NUMBERING = re.compile(r"^\d+\.\s*")


def dictd_number(text):
    value = 0
    for character in text:
        value = value * 64 + B64[character]
    return value


def english_frequencies(lines):
    counts = collections.Counter()
    for line in lines:
        counts.update(re.findall(r"[a-z]+", line.lower()))
    return counts


def commonness(text, frequencies):
    """How common an English phrase is: the frequency of its rarest word (0 when a word never occurs)."""
    found = re.findall(r"[a-z]+", text.lower())
    return min((frequencies[word] for word in found), default=0)


def freedict_groups(root, frequencies):
    """The most common entries of each dictionary, as 'headword : translations' (one line: a word and its translations)."""
    dictd = root / "usr/share/dictd"
    for index in sorted(dictd.glob("freedict-*.index")):
        pair = index.stem.removeprefix("freedict-")
        first, second = pair.split("-")
        codes = {"eng": "en", "fra": "fr", "spa": "es", "deu": "de", "rus": "ru", "jpn": "ja", "ara": "ar", "hin": "hi"}
        data = gzip.open(index.with_suffix(".dict.dz")).read()
        entries = []
        for row in index.read_text(encoding="utf-8").splitlines():
            head, offset, length = row.split("\t")
            if head.startswith("00database") or head.startswith("00-database"):
                continue
            entry = data[dictd_number(offset):dictd_number(offset) + dictd_number(length)].decode("utf-8", errors="replace")
            lines = entry.strip().splitlines()
            if len(lines) < 2:
                continue
            headword = clean(PRONUNCIATION.sub(" ", lines[0]))
            translations = [clean(NUMBERING.sub("", line)) for line in lines[1:]]
            translations = [text for text in translations if text and not text.startswith(("Note:", "see:", "Synonym", "<"))][:4]
            if not headword or not translations:
                continue
            group = [(codes[first], headword), (codes[second], "; ".join(translations))]
            english = headword if first == "eng" else translations[0]
            entries.append((-commonness(english, frequencies), headword, group))
        entries.sort(key=lambda entry: entry[:2])
        for _, _, group in entries[:DICTIONARY_ENTRIES]:
            yield f"freedict-{pair}", group


def main():
    root, npm, udhr, output = (pathlib.Path(argument) for argument in sys.argv[1:5])
    aligned_output = pathlib.Path(sys.argv[5]) if len(sys.argv) > 5 else None
    stats = collections.Counter()
    prose = collect_prose(root, stats)
    out = []
    for language in LANGUAGES:
        out.extend(prose[language])
    group_lines = []
    aligned = []
    for source, group in [*catalog_groups(root), *cldr_annotation_groups(npm), *cldr_date_groups(npm), *freedict_groups(root, english_frequencies(prose["en"]))]:
        if source.startswith("freedict"):
            group_lines.append(" : ".join(text for _, text in group))
        else:
            group_lines.append("\n".join(text for _, text in group))
        # Whitespace-normalised (clean): a tab inside a text would split it.
        aligned.append("\t".join(clean(text) for _, text in group))
        for language, text in group:
            kind = "freedict" if source.startswith("freedict") else "messages" if source.endswith(".mo") else source
            stats[(language, kind)] += words(text, language)
    # Groups are interleaved with prose by hash order so a block mixes both kinds and every source spreads over the run.
    passages = stable_order(set(out)) + group_lines
    passages = stable_order(passages)
    udhr_lines = [line for line in udhr.read_text(encoding="utf-8").splitlines() if line.strip()]
    output.write_text("\n".join(passages + udhr_lines) + "\n", encoding="utf-8")
    if aligned_output is not None:
        # Groups in hash order too: a translation-ranking batch then mixes sources (messages, emoji, dates, words).
        aligned_output.write_text("\n".join(stable_order(set(aligned))) + "\n", encoding="utf-8")

    by_language = collections.Counter()
    for (language, _), count in stats.items():
        by_language[language] += count
    for language in LANGUAGES:
        detail = ", ".join(f"{source} {count / 1000:.0f}k" for (lang, source), count in sorted(stats.items()) if lang == language)
        print(f"{language}: {by_language[language] / 1000:.0f}k words ({detail})", file=sys.stderr)
    print(f"{output}: {len(passages) + len(udhr_lines)} lines ({len(udhr_lines)} from the UDHR)", file=sys.stderr)


if __name__ == "__main__":
    main()
