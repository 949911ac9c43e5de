#!/bin/sh
# Pretrains the candidate successor of the embedded default model (issue 24), one sitting per run, and writes it to
# $WORK/successor (never into the repository: build.sh still reproduces the committed model, which this one replaces
# only once benchmarks/DefaultModelGain shows it helps; see docs/default-model.md):
#   1. the broader corpus: build_corpus.sh (Debian packages, CLDR, UDHR; checksummed), once;
#   2. the tokenizer: SentencePiece Unigram with 32,000 pieces (8,000 split everyday words of nine languages into
#      syllables: "rain" was "ra in"), RemBERT's special-piece layout, once;
#   3. the weights: `rembert pretrain --objective electra` (replaced-token detection), at learning rate 3e-4 (1e-3 left
#      the discriminator at the prior for 600 steps), one pass over the corpus (3,374 steps of 32 blocks of 128 tokens).
#      Each run trains for at most TIME_LIMIT minutes (default 50) and ends with a checkpoint in $WORK/checkpoints (one
#      every 100 steps too); the next run with the same WORK resumes from the newest one, bit for bit as one
#      uninterrupted run, until the schedule ends. The output embedding is 64 wide: ELECTRA does not train the saved
#      model's LM head through its encoder (it is a probe on the discriminator's states), so a narrow one keeps the
#      32,000-piece model within 25 MB in bfloat16.
#   4. then translation ranking from the ELECTRA model (`--objective translation-ranking --init-from`): 2,400 steps of
#      64 pairs of translations from build_corpus.sh's aligned.tsv, each text's [CLS] state taught to find its
#      translation's, masked LM alongside; about 40 minutes on 2 idle cores, in sittings the same way. Writes
#      $WORK/successor-ranked.
# Each stage's log is kept in WORK; a stage is done once its log says it stopped at the end of its schedule.
# Needs what build_corpus.sh needs, plus spm_train and the .NET SDK.
set -eu
REPO=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:?set WORK to a directory kept between sittings}
TIME_LIMIT=${TIME_LIMIT:-50}
mkdir -p "$WORK"
cd "$WORK"
{ [ -f corpus.txt ] && [ -f aligned.tsv ]; } || WORK="$WORK" "$REPO/models/default/build_corpus.sh"
# A later sitting keeps the tokenizer the checkpoints were trained with (a resume with another is refused).
[ -f spm32k.model ] || spm_train --input=corpus.txt --model_prefix=spm32k --model_type=unigram --vocab_size=32000 \
  --character_coverage=0.9995 --pad_id=0 --pad_piece=[PAD] --unk_id=2 --unk_piece=[UNK] --bos_id=3 --bos_piece=[CLS] \
  --eos_id=4 --eos_piece=[SEP] --control_symbols=[MASK] --num_threads=2 --max_sentence_length=8192 \
  --shuffle_input_sentence=true --seed_sentencepiece_size=1000000 --input_sentence_size=2000000

dotnet build -c Release "$REPO/src/Microsoft.ML.RemBert.Cli" >/dev/null
REMBERT="$REPO/src/Microsoft.ML.RemBert.Cli/bin/Release/net10.0/rembert"

# resume_flag DIR: --resume DIR when DIR holds a checkpoint.
resume_flag() {
  if ls -d "$1"/checkpoint-[0-9]* >/dev/null 2>&1; then echo "--resume $1"; fi
}
# finished LOG: the stage's run ended with its schedule (not with --time-limit or an error).
finished() {
  grep -q "stopped: \(Completed\|MaxSteps\)" "$1" 2>/dev/null
}

if ! finished electra.log; then
  # shellcheck disable=SC2046 # the flag is two words or none
  "$REMBERT" pretrain --tokenizer spm32k.model --corpus corpus.txt \
    --output "$WORK/successor" --objective electra --hidden-size 256 --num-layers 4 --num-heads 4 --intermediate-size 1024 \
    --input-embedding-size 128 --output-embedding-size 64 --max-position-embeddings 128 --max-length 128 --batch-size 32 \
    --learning-rate 3e-4 --max-steps 4000 --time-limit "$TIME_LIMIT" --seed 42 --save-dtype bfloat16 --log-every 10 \
    --checkpoint-dir "$WORK/checkpoints" --checkpoint-steps 100 $(resume_flag "$WORK/checkpoints") 2>&1 | tee -a electra.log
  finished electra.log || { echo "ELECTRA stopped before the end of its schedule (time limit or error: see $WORK/electra.log); run again with the same WORK to continue."; exit 0; }
fi
if ! finished ranking.log; then
  # shellcheck disable=SC2046
  "$REMBERT" pretrain --tokenizer "$WORK/successor" --corpus aligned.tsv --output "$WORK/successor-ranked" \
    --objective translation-ranking --init-from "$WORK/successor" --max-length 64 --batch-size 64 --learning-rate 2e-4 \
    --max-steps 2400 --time-limit "$TIME_LIMIT" --seed 42 --save-dtype bfloat16 --log-every 50 \
    --checkpoint-dir "$WORK/ranking-checkpoints" --checkpoint-steps 300 $(resume_flag "$WORK/ranking-checkpoints") 2>&1 | tee -a ranking.log
  finished ranking.log || { echo "Translation ranking stopped before the end of its schedule (see $WORK/ranking.log); run again with the same WORK to continue."; exit 0; }
fi
echo "Wrote the candidate to $WORK/successor-ranked (ELECTRA alone: $WORK/successor); measure it with benchmarks/DefaultModelGain --model DIR"
