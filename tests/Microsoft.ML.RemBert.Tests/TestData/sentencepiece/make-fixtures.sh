#!/usr/bin/env bash
# Regenerates the SentencePiece exactness fixtures in this folder.
#
# Needs Debian's `sentencepiece` (spm_train, spm_encode, spm_decode; 0.1.97 made the committed files) and
# /usr/bin/python3. Run from anywhere:  tests/Microsoft.ML.RemBert.Tests/TestData/sentencepiece/make-fixtures.sh
#
# Produces:
#   corpus.txt                 ~3,000 real multilingual lines + edge cases (make_corpus.py explains the sources)
#   surrogates.txt             lines with lone UTF-16 surrogates, written as their generalized-UTF-8 bytes
#                              (ED A0 80 for U+D800), i.e. the malformed UTF-8 spm_encode sees for them
#   <model>.model              small models trained on corpus.txt, one per special layout we must handle
#   <model>.ids                spm_encode --output_format=id of corpus.txt, one line per input line
#   random.txt                 800 lines of random code points (see below)
#   <model>.surrogates.ids     the same for surrogates.txt
#   <model>.random.ids         the same for random.txt
#   <model>.decoded.txt        spm_decode --input_format=id of <model>.ids
# and, when ../shared is present, the same .ids/.decoded.txt files for the shared unigram-8k and bpe-8k models
# (the models themselves stay in ../shared/fixtures/sentencepiece).
set -euo pipefail
cd "$(dirname "$0")"
SHARED="$(cd ../../../../.. && pwd)/shared/fixtures/sentencepiece"
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT

/usr/bin/python3 make_corpus.py corpus.txt
/usr/bin/python3 - <<'PY'
# Lone surrogates cannot be stored in UTF-8 text; 'surrogatepass' writes the bytes a naive encoder would produce.
lines = ["\ud800", "a\udc00b", "x \ud83d y", "\ud83d\ude00 \ude00\ud83d", "end\udfff", "\ud800\ud800\udc00"]
with open("surrogates.txt", "wb") as f:
    for s in lines:
        # A UTF-16 round trip joins valid pairs into one code point (4 bytes); lone surrogates stay (3 bytes each).
        s = s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
        f.write(s.encode("utf-8", "surrogatepass") + b"\n")
PY

# Training runs inside $TMP with relative names: the model records its input and prefix, so this keeps reruns
# byte-identical.
cp corpus.txt "$TMP/corpus.txt"
# random.txt: 800 lines of random code points (fixed seed) drawn from ranges that stress normalization:
# controls and NUL, exotic whitespace, combining marks, full-width forms, ligatures, Hangul jamo, emoji, U+FFFD,
# U+2581, private use, noncharacters. No '\n' or '\r' (line separators for spm_encode).
/usr/bin/python3 - <<'PY'
import random
rng = random.Random(1126)
ranges = [(0x00, 0x09), (0x0B, 0x0C), (0x0E, 0x7F), (0x80, 0x24F), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x4FF),
          (0x590, 0x6FF), (0x900, 0x97F), (0xE00, 0xE7F), (0x1100, 0x11FF), (0x2000, 0x206F), (0x2150, 0x218F),
          (0x2460, 0x24FF), (0x2580, 0x2582), (0x3000, 0x30FF), (0x3130, 0x318F), (0x3200, 0x33FF), (0x4E00, 0x4E80),
          (0xAC00, 0xAC40), (0xE000, 0xE010), (0xFB00, 0xFB4F), (0xFE00, 0xFE0F), (0xFF00, 0xFFEF), (0xFFF9, 0xFFFF),
          (0x1D400, 0x1D4FF), (0x1F300, 0x1F6FF), (0x1F1E6, 0x1F1FF), (0xE0001, 0xE007F), (0x10FFFE, 0x10FFFF)]
with open("random.txt", "w", encoding="utf-8", newline="\n") as f:
    for _ in range(800):
        n = rng.choice([0, 1, 2, 5, 10, 30, 60, 120])
        chars = []
        for _ in range(n):
            if rng.random() < 0.3:
                chars.append(rng.choice("  \t abc xyz"))
            else:
                lo, hi = rng.choice(ranges)
                chars.append(chr(rng.randint(lo, hi)))
        f.write("".join(chars) + "\n")
PY
COMMON=(--input=corpus.txt --num_threads=2 --input_sentence_size=0 --minloglevel=2)
# character_coverage 0.98 keeps ~1,200 characters in the vocabulary: the rest exercise unknown/byte-fallback paths.
train() { # name, extra spm_train options...
  local name="$1"; shift
  (cd "$TMP" && spm_train "${COMMON[@]}" --model_prefix="$name" "$@" >/dev/null 2>&1)
  cp "$TMP/$name.model" "$name.model"
}
# Unigram with byte fallback: unknown characters become <0xXX> pieces.
train uni-bytefallback --model_type=unigram --vocab_size=3000 --byte_fallback=true --character_coverage=0.98
# BPE with byte fallback and user-defined symbols (frozen in BPE, bonus-scored in Unigram).
train bpe-bytefallback --model_type=bpe --vocab_size=3000 --byte_fallback=true --character_coverage=0.98 \
  --user_defined_symbols='<sep>,[LINK],C++,ﬁ,😀'
# Unigram without bos/eos (Microsoft.ML.Tokenizers throws on these).
train uni-nobos --model_type=unigram --vocab_size=2500 --character_coverage=0.98 --bos_id=-1 --eos_id=-1 --pad_id=0 --unk_id=1
# Tiny vocabulary trained on the ASCII-only lines: most characters are unknown and consecutive unknowns merge
# into one <unk>. (spm_train refuses character_coverage < 0.98, so a small character set needs a small input.)
LC_ALL=C grep -v -P '[^\x00-\x7F]' corpus.txt > "$TMP/ascii.txt"
train bpe-tiny --input=ascii.txt --model_type=bpe --vocab_size=250
train uni-tiny --input=ascii.txt --model_type=unigram --vocab_size=300 --hard_vocab_limit=false
# Unigram with user-defined symbols (normalizer leaves them verbatim) and case-folding nfkc_cf normalization.
train uni-userdefined --model_type=unigram --vocab_size=2500 --character_coverage=0.98 --normalization_rule_name=nmt_nfkc_cf \
  --user_defined_symbols='<sep>,[LINK],C++,ﬁ,😀,ＡＢ'
# Whitespace as suffix ("word▁" pieces).
train uni-suffix --model_type=unigram --vocab_size=2500 --character_coverage=0.98 --treat_whitespace_as_suffix=true
# No dummy prefix, extra whitespace kept, identity normalization (no charsmap at all).
train bpe-nodummy --model_type=bpe --vocab_size=2500 --character_coverage=0.98 --add_dummy_prefix=false --remove_extra_whitespaces=false \
  --normalization_rule_name=identity
# The rarely used WORD and CHAR model types.
train word --model_type=word --vocab_size=2000 --character_coverage=0.98 --hard_vocab_limit=false
train char --model_type=char --vocab_size=2000 --character_coverage=0.98 --hard_vocab_limit=false

reference() { # model file, output prefix
  spm_encode --model="$1" --output_format=id < corpus.txt > "$2.ids"
  spm_encode --model="$1" --output_format=id < surrogates.txt > "$2.surrogates.ids"
  spm_encode --model="$1" --output_format=id < random.txt > "$2.random.ids"
  spm_decode --model="$1" --input_format=id < "$2.ids" > "$2.decoded.txt"
}
for m in uni-bytefallback bpe-bytefallback uni-nobos bpe-tiny uni-tiny uni-userdefined uni-suffix bpe-nodummy word char; do
  reference "$m.model" "$m"
done
if [[ -d "$SHARED" ]]; then
  for m in unigram-8k bpe-8k; do reference "$SHARED/$m.model" "$m"; done
fi
du -ch -- * | tail -1
