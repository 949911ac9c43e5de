#!/usr/bin/python3
"""PyTorch float32 forward of a RemBERT head checkpoint directory, written from transformers' semantics (the code
path of ../shared/tools/rembert_ref.py, which made the fixtures), for inputs the fixtures' expected.json lacks.

usage: head_reference.py CHECKPOINT_DIR ROWS.json OUT.json
ROWS.json: {"task": "mc", "rows": [{"prompt": "...", "choices": ["...", "..."]}, ...]}
        or {"task": "seqcls", "rows": [{"text": "...", "pair": "..." or null}, ...]}
OUT.json:  the rows with "logits" added (mc: one per choice; seqcls: one per label).
Needs Debian's python3-torch and python3-sentencepiece; run with /usr/bin/python3.
"""
import json, math, os, struct, sys
import torch
import torch.nn.functional as F
import sentencepiece as spm

ckpt, rows_file, out_file = sys.argv[1:4]
cfg = json.load(open(os.path.join(ckpt, "config.json")))
sp = spm.SentencePieceProcessor(model_file=os.path.join(ckpt, "sentencepiece.model"))
CLS, SEP, PAD = sp.piece_to_id("[CLS]"), sp.piece_to_id("[SEP]"), sp.piece_to_id("[PAD]")

def read_safetensors(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n]); body = data[8 + n:]
    dtypes = {"F32": torch.float32, "I64": torch.int64, "BF16": torch.bfloat16, "F16": torch.float16}
    out = {}
    for k, v in header.items():
        if k == "__metadata__": continue
        s, e = v["data_offsets"]
        out[k] = torch.frombuffer(bytearray(body[s:e]), dtype=dtypes[v["dtype"]]).reshape(v["shape"]).to(torch.float32)
    return out

st = os.path.join(ckpt, "model.safetensors")
W = read_safetensors(st) if os.path.exists(st) else torch.load(os.path.join(ckpt, "pytorch_model.bin"))
W = {k[len("rembert."):] if k.startswith("rembert.") else k: v.to(torch.float32) for k, v in W.items()}
H, L, NH, eps = cfg["hidden_size"], cfg["num_hidden_layers"], cfg["num_attention_heads"], cfg["layer_norm_eps"]
D = H // NH
ACT = {"gelu": F.gelu, "relu": F.relu, "gelu_new": lambda x: F.gelu(x, approximate="tanh")}[cfg["hidden_act"]]

def layer_norm(x, name): return F.layer_norm(x, (x.shape[-1],), W[name + ".weight"], W[name + ".bias"], eps)
def linear(x, name): return F.linear(x, W[name + ".weight"], W[name + ".bias"])

def encoder(ids, tt, mask):
    B, S = ids.shape
    pos = torch.arange(S).unsqueeze(0).expand(B, S)
    x = W["embeddings.word_embeddings.weight"][ids] + W["embeddings.token_type_embeddings.weight"][tt] + W["embeddings.position_embeddings.weight"][pos]
    h = linear(layer_norm(x, "embeddings.LayerNorm"), "encoder.embedding_hidden_mapping_in")
    ext = (1.0 - mask[:, None, None, :].to(torch.float32)) * torch.finfo(torch.float32).min
    for l in range(L):
        pre = f"encoder.layer.{l}."
        def heads(t): return t.view(B, S, NH, D).permute(0, 2, 1, 3)
        q, k, v = (heads(linear(h, pre + "attention.self." + n)) for n in ("query", "key", "value"))
        pr = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(D) + ext, dim=-1)
        ctx = (pr @ v).permute(0, 2, 1, 3).reshape(B, S, H)
        h1 = layer_norm(linear(ctx, pre + "attention.output.dense") + h, pre + "attention.output.LayerNorm")
        h = layer_norm(linear(ACT(linear(h1, pre + "intermediate.dense")), pre + "output.dense") + h1, pre + "output.LayerNorm")
    return h

def encode(a, b):
    ids = [CLS] + sp.encode(a) + [SEP]; tt = [0] * len(ids)
    if b is not None:
        more = sp.encode(b) + [SEP]; ids += more; tt += [1] * len(more)
    return ids, tt

def batch(pairs):
    enc = [encode(a, b) for a, b in pairs]
    S = max(len(i) for i, _ in enc)
    ids = torch.full((len(enc), S), PAD, dtype=torch.long); tt = torch.zeros_like(ids); mask = torch.zeros_like(ids)
    for r, (i, t) in enumerate(enc):
        ids[r, :len(i)] = torch.tensor(i); tt[r, :len(t)] = torch.tensor(t); mask[r, :len(i)] = 1
    return ids, tt, mask

spec = json.load(open(rows_file, encoding="utf-8"))
rows = spec["rows"]
with torch.no_grad():
    if spec["task"] == "mc":
        pairs = [(r["prompt"], c) for r in rows for c in r["choices"]]
        pooled = torch.tanh(linear(encoder(*batch(pairs))[:, 0], "pooler.dense"))
        logits = linear(pooled, "classifier").view(len(rows), -1)
    else:
        pooled = torch.tanh(linear(encoder(*batch([(r["text"], r.get("pair")) for r in rows]))[:, 0], "pooler.dense"))
        logits = linear(pooled, "classifier")
for r, lg in zip(rows, logits.tolist()):
    r["logits"] = [round(x, 7) for x in lg]
json.dump(spec, open(out_file, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
print("wrote", out_file)
