"""Static word-piece embeddings for the default model: a truncated SVD of the positive pointwise mutual information
(PPMI) of piece co-occurrences, counted two ways:
  - within each corpus line, pieces up to WINDOW apart, weighted 1/distance (both directions);
  - across translations: every piece of one text of an aligned group with every piece of each other text, weighted
    TRANSLATION_WEIGHT/sqrt(len_a * len_b), so that a word and its translations share contexts (this is what aligns the
    languages; measured on the intent sample, seeds 1-3: accuracy 0.704 at weight 1, 0.731 at weight 4).
PPMI uses context-distribution smoothing (exponent 0.75). Each piece's vector is U_i * sqrt(S), scaled to unit length;
pieces never seen get none (zeros here; the checkpoint writer draws them). Deterministic: ARPACK starts from a seeded
vector.
usage: static_embeddings.py CORPUS.ids ALIGNED.ids VOCAB_SIZE DIM OUT.npy
  CORPUS.ids: one line of piece ids per corpus line (spm_encode --output_format=id);
  ALIGNED.ids: one group per line, its texts' piece ids separated by tabs."""
import sys
import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as sla

WINDOW = 4
TRANSLATION_WEIGHT = 4.0
CONTEXT_SMOOTHING = 0.75
SEED = 42


def corpus_pairs(path):
    sequence = []
    with open(path) as f:
        for line in f:
            ids = [int(x) for x in line.split()]
            if ids:
                sequence.extend(ids)
                sequence.extend([-1] * WINDOW)  # no window crosses a line
    tokens = np.array(sequence, dtype=np.int64)
    for distance in range(1, WINDOW + 1):
        left, right = tokens[:-distance], tokens[distance:]
        keep = (left >= 0) & (right >= 0)
        left, right = left[keep], right[keep]
        weight = np.full(left.shape, 1.0 / distance, dtype=np.float32)
        yield left, right, weight
        yield right, left, weight


def translation_pairs(path):
    with open(path) as f:
        for line in f:
            texts = [np.array([int(x) for x in text.split()], dtype=np.int64) for text in line.rstrip("\n").split("\t")]
            texts = [text for text in texts if len(text)]
            for i, a in enumerate(texts):
                for j, b in enumerate(texts):
                    if i != j:
                        yield (np.repeat(a, len(b)), np.tile(b, len(a)),
                               np.full(len(a) * len(b), TRANSLATION_WEIGHT / np.sqrt(len(a) * len(b)), dtype=np.float32))


def main(corpus, aligned, vocab_size, dim, out):
    rows, cols, weights = [], [], []
    for source in (corpus_pairs(corpus), translation_pairs(aligned)):
        for r, c, w in source:
            rows.append(r)
            cols.append(c)
            weights.append(w)
    counts = sp.coo_matrix((np.concatenate(weights), (np.concatenate(rows), np.concatenate(cols))),
                           shape=(vocab_size, vocab_size)).tocsr().tocoo()
    total = counts.data.sum(dtype=np.float64)
    word = np.asarray(counts.sum(axis=1), dtype=np.float64).ravel()
    context = np.asarray(counts.sum(axis=0), dtype=np.float64).ravel() ** CONTEXT_SMOOTHING
    pmi = (np.log(counts.data / total) - np.log(word[counts.row] / total)
           - np.log(context[counts.col] / context.sum()))
    keep = pmi > 0
    ppmi = sp.csr_matrix((pmi[keep].astype(np.float32), (counts.row[keep], counts.col[keep])), shape=(vocab_size, vocab_size))
    start = np.random.default_rng(SEED).standard_normal(vocab_size).astype(np.float32)
    u, s, _ = sla.svds(ppmi, k=dim, v0=start)
    vectors = u * np.sqrt(s)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = np.where(norms > 0, vectors / np.where(norms > 0, norms, 1), 0)
    vectors[word == 0] = 0
    np.save(out, vectors.astype(np.float32))
    print(f"{out}: {vocab_size} x {dim}, {int((word > 0).sum())} pieces seen, PPMI non-zeros {ppmi.nnz}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
