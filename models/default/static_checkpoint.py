"""Writes the default model: a template checkpoint's config, tokenizer, tensor names, shapes and dtype (bfloat16), with
every weight drawn as RemBERT initialises it (normal(0, 0.02) for matrices and embeddings, zero biases, LayerNorm 1 and 0;
seeded, so the same every time) except:
  - the word embeddings: the static vectors of static_embeddings.py, scaled to the initialiser's standard deviation
    (0.02), pieces without a vector drawn, the padding row zero;
  - the position and token-type embeddings: drawn at a tenth of that scale, so that the word vectors dominate the
    embedding LayerNorm's input (measured: intent accuracy 0.657 at full scale, 0.709 at a quarter, 0.738 at a tenth).
usage: static_checkpoint.py TEMPLATE_DIR VECTORS.npy OUT_DIR"""
import json
import os
import shutil
import struct
import sys
import numpy as np

INITIALIZER_RANGE = 0.02
POSITION_SCALE = 0.1
SEED = 1234
PAD_ID = 0


def to_bfloat16(values):
    bits = values.astype(np.float32).view(np.uint32)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)  # round to nearest even


def main(template, vectors_path, out):
    os.makedirs(out, exist_ok=True)
    for name in ("config.json", "sentencepiece.model", "tokenizer_config.json"):
        shutil.copy(os.path.join(template, name), out)
    with open(os.path.join(template, "model.safetensors"), "rb") as f:
        header = json.loads(f.read(struct.unpack("<Q", f.read(8))[0]))
    rng = np.random.default_rng(SEED)
    vectors = np.load(vectors_path)
    tensors = {}
    for name in sorted(key for key in header if key != "__metadata__"):
        info = header[name]
        if info["dtype"] != "BF16":
            raise SystemExit(f"{name}: {info['dtype']}; the template must be bfloat16")
        shape = info["shape"]
        if name.endswith("LayerNorm.weight"):
            values = np.ones(shape, np.float32)
        elif name.endswith(".bias") or "LayerNorm" in name:
            values = np.zeros(shape, np.float32)
        else:
            values = rng.normal(0, INITIALIZER_RANGE, size=shape).astype(np.float32)
            if name.endswith("word_embeddings.weight"):
                if tuple(shape) != vectors.shape:
                    raise SystemExit(f"{name} is {shape}; the vectors are {list(vectors.shape)}")
                seen = np.linalg.norm(vectors, axis=1) > 0
                values[seen] = vectors[seen] / vectors[seen].std() * INITIALIZER_RANGE
                values[PAD_ID] = 0
            elif name.endswith("position_embeddings.weight") or name.endswith("token_type_embeddings.weight"):
                values *= POSITION_SCALE
        tensors[name] = (shape, to_bfloat16(values).tobytes())
    layout, offset = {}, 0
    for name, (shape, data) in tensors.items():
        layout[name] = {"dtype": "BF16", "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    layout["__metadata__"] = {"format": "pt"}
    encoded = json.dumps(layout, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    # Written beside its final name and renamed: an interrupted run leaves no half-written model.safetensors.
    target = os.path.join(out, "model.safetensors")
    with open(target + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for _, data in tensors.values():
            f.write(data)
    os.replace(target + ".tmp", target)
    print(f"wrote {out}: {len(tensors)} tensors")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
