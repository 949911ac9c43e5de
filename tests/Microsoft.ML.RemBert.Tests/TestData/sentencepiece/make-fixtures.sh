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
#   <model>.surrogates.ids     the same for surrogates.txt
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

reference() { # model file, output prefix
  spm_encode --model="$1" --output_format=id < corpus.txt > "$2.ids"
  spm_encode --model="$1" --output_format=id < surrogates.txt > "$2.surrogates.ids"
  spm_decode --model="$1" --input_format=id < "$2.ids" > "$2.decoded.txt"
}
for m in uni-bytefallback bpe-bytefallback uni-nobos bpe-tiny uni-tiny uni-userdefined uni-suffix bpe-nodummy; do
  reference "$m.model" "$m"
done
if [[ -d "$SHARED" ]]; then
  for m in unigram-8k bpe-8k; do reference "$SHARED/$m.model" "$m"; done
fi
du -ch -- * | tail -1
