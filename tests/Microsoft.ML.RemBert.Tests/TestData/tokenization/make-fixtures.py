#!/usr/bin/python3
"""Regenerates the RemBertTokenizer preprocessing fixture in this folder.

Needs Debian's python3-sentencepiece (0.1.97) and ../shared (the RemBERT fixture vocabulary). Run from anywhere:
    /usr/bin/python3 tests/Microsoft.ML.RemBert.Tests/TestData/tokenization/make-fixtures.py

Writes corpus.preprocessed.ids: for each line of ../sentencepiece/corpus.txt, the SentencePiece ids of the text after
the preprocessing of a tokenizer_config.json with remove_space=true, keep_accents=false, do_lower_case=true, done with
Python's own str/unicodedata: remove_space is not applied (transformers' RemBertTokenizer stores it without applying it),
keep_accents=false strips accents as XLNet/ALBERT's preprocess_text does, and each character is lower-cased alone, as
transformers' tokenize does (its regex "(.+?)" matches one character at a time, so there is no final sigma).
Special tokens typed in a line are split off first, as transformers' added-tokens trie does.
"""
import os
import re
import unicodedata

import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "fixtures", "rembert-reference", "base", "sentencepiece.model")
SPECIAL_IDS = {"[PAD]": 0, "[MASK]": 1, "[UNK]": 2, "[CLS]": 3, "[SEP]": 4}
LEFT_STRIPPING = {"[MASK]"}  # RemBertTokenizer's mask token is AddedToken(lstrip=True)


def preprocess(text):
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "".join(c.lower() for c in text)


def encode(sp, line):
    parts = re.split("(" + "|".join(re.escape(t) for t in SPECIAL_IDS) + ")", line)
    for i, part in enumerate(parts):
        if part in LEFT_STRIPPING and i > 0:
            parts[i - 1] = parts[i - 1].rstrip()
    ids = []
    for part in parts:
        if part in SPECIAL_IDS:
            ids.append(SPECIAL_IDS[part])
        elif part:
            ids.extend(sp.encode(preprocess(part)))
    return ids


def main():
    sp = spm.SentencePieceProcessor(model_file=MODEL)
    with open(os.path.join(HERE, "..", "sentencepiece", "corpus.txt"), encoding="utf-8", newline="\n") as f:
        lines = f.read().split("\n")[:-1]
    with open(os.path.join(HERE, "corpus.preprocessed.ids"), "w", encoding="utf-8", newline="\n") as out:
        for line in lines:
            out.write(" ".join(map(str, encode(sp, line))) + "\n")
    print(f"{len(lines)} lines, unicodedata {unicodedata.unidata_version}")


if __name__ == "__main__":
    main()
