#!/bin/sh
# Rebuilds the embedded default model (see docs/default-model.md) from public, licensed text:
#   1. the corpus: build_corpus.sh (Debian documentation, CLDR names, the UDHR; checked against its checksums), whose
#      corpus.txt is the prose and aligned.tsv the translations grouped line by line;
#   2. the tokenizer: a 32,000-piece SentencePiece Unigram model trained on corpus.txt with Debian's spm_train;
#   3. the weights: static word-piece embeddings (static_embeddings.py: PPMI of co-occurrences within lines and across
#      translations, truncated SVD to the input embedding size) in a model whose other weights are RemBERT's seeded
#      initialisation (static_checkpoint.py), in the shape and tensor layout of a checkpoint `rembert pretrain` writes.
# The corpus and intermediate files go to WORK (default: a fresh temporary directory), never into git; the four
# checkpoint files go to src/Microsoft.ML.RemBert.DefaultModel/Model/. Needs what build_corpus.sh needs (apt-get,
# npm), spm_train/spm_encode (Debian's sentencepiece), python3 with numpy and scipy (about 14 GB of memory for the
# co-occurrence counts), and the .NET SDK. About 10 minutes
# on 2 cores after the downloads. The weights are deterministic: the script checks their SHA-256 at the end.
# (models/default/pretrain_successor.sh is the pretraining route measured before: ELECTRA, then translation ranking.)
set -eu
REPO=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-$(mktemp -d)}
MODEL_SHA256=1715f1007cb514e97e24920798f9424653b0a58c094cfa9f98d204806dfb6b2e
mkdir -p "$WORK"
cd "$WORK"
echo "Working in $WORK"

{ [ -f corpus.txt ] && [ -f aligned.tsv ]; } || WORK="$WORK" "$REPO/models/default/build_corpus.sh"
# RemBERT's special pieces at the ids of google/rembert's layout as the project's fixtures use it:
# [PAD]=0, [MASK]=1, [UNK]=2, [CLS]=3 (bos), [SEP]=4 (eos).
[ -f spm32k.model ] || spm_train --input=corpus.txt --model_prefix=spm32k --model_type=unigram --vocab_size=32000 \
  --character_coverage=0.9995 --pad_id=0 --pad_piece=[PAD] --unk_id=2 --unk_piece=[UNK] --bos_id=3 --bos_piece=[CLS] \
  --eos_id=4 --eos_piece=[SEP] --control_symbols=[MASK] --num_threads=2 --max_sentence_length=8192 \
  --shuffle_input_sentence=true --seed_sentencepiece_size=1000000 --input_sentence_size=2000000

# The template: the default's shape, written by our own CLI (one masked-LM step; static_checkpoint.py redraws every value).
dotnet build -c Release "$REPO/src/Microsoft.ML.RemBert.Cli" >/dev/null
"$REPO/src/Microsoft.ML.RemBert.Cli/bin/Release/net10.0/rembert" pretrain --tokenizer spm32k.model --corpus corpus.txt \
  --output "$WORK/template" --objective mlm --hidden-size 256 --num-layers 4 --num-heads 4 --intermediate-size 1024 \
  --input-embedding-size 128 --output-embedding-size 64 --max-position-embeddings 128 --max-length 128 --batch-size 2 \
  --max-steps 1 --seed 42 --save-dtype bfloat16 > template.log 2>&1

spm_encode --model=spm32k.model --output_format=id < corpus.txt > corpus.ids
# The aligned groups, one text per line for spm_encode, then regrouped line by line.
python3 - <<'PY'
import subprocess
groups = [line.rstrip("\n").split("\t") for line in open("aligned.tsv", encoding="utf-8")]
texts = "\n".join(text for group in groups for text in group) + "\n"
ids = subprocess.run(["spm_encode", "--model=spm32k.model", "--output_format=id"], input=texts.encode(), capture_output=True, check=True).stdout.decode().split("\n")
with open("aligned.ids", "w") as out:
    position = 0
    for group in groups:
        out.write("\t".join(ids[position:position + len(group)]) + "\n")
        position += len(group)
PY
python3 "$REPO/models/default/static_embeddings.py" corpus.ids aligned.ids 32000 128 vectors.npy
python3 "$REPO/models/default/static_checkpoint.py" "$WORK/template" vectors.npy "$WORK/default-model"
echo "$MODEL_SHA256  $WORK/default-model/model.safetensors" | sha256sum -c -

# Each file is copied under a temporary name beside its own, then renamed into place: an interrupted copy leaves the
# repository's file as it was, never half-written, and the trap removes the temporary copy (Model/* is embedded).
MODEL_DIR="$REPO/src/Microsoft.ML.RemBert.DefaultModel/Model"
trap 'rm -f "$MODEL_DIR"/*.tmp.$$' EXIT
trap 'exit 130' INT TERM
for file in config.json model.safetensors sentencepiece.model tokenizer_config.json; do
  cp "$WORK/default-model/$file" "$MODEL_DIR/$file.tmp.$$"
  mv -f "$MODEL_DIR/$file.tmp.$$" "$MODEL_DIR/$file"
done
echo "Wrote the default model to $MODEL_DIR/"
