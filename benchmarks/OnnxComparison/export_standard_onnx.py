#!/usr/bin/python3
"""The peer of our ConvertToOnnx export: the SAME weights exported the way a Python user exports a transformers model,
with torch.onnx.export (opset 14, dynamic batch and sequence), for ONNX Runtime to run side by side with ours.

usage: export_standard_onnx.py CHECKPOINT_DIR OUT.onnx

CHECKPOINT_DIR is what OnnxComparison saves (config.json + model.safetensors of a RemBertForSequenceClassification,
keys under "rembert."); the graph takes input_ids, attention_mask, token_type_ids (int64 [batch, seq]) and returns
logits [batch, num_labels]. The forward is written from transformers' RemBERT (embeddings, LayerNorm, projection to
hidden, post-LN encoder layers, tanh pooler over [CLS], linear classifier), as ../shared/tools/ort_peer_export.py
writes it, so the operators are the ones torch.onnx.export emits for transformers' modules. Needs only Debian's
python3-torch (the safetensors file is read here: 8-byte header length, JSON header, raw little-endian data)."""
import json, math, os, sys
import torch, torch.nn as nn, torch.nn.functional as F

if len(sys.argv) != 3:
    sys.exit(__doc__)
checkpoint, out = sys.argv[1], sys.argv[2]
config = json.load(open(os.path.join(checkpoint, "config.json")))
DTYPES = {"F32": torch.float32, "BF16": torch.bfloat16, "F16": torch.float16, "I64": torch.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        length = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(length))
        # One buffer, filled in place (google/rembert's 2.3 GB are not read twice); the tensors are views of it.
        data = bytearray(os.path.getsize(path) - 8 - length)
        f.readinto(data)
    tensors = {}
    for key, info in header.items():
        if key == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        if info["dtype"] not in DTYPES:
            sys.exit(f"{path}: tensor '{key}' has dtype {info['dtype']}, which this script does not read")
        dtype = DTYPES[info["dtype"]]
        size = torch.empty(0, dtype=dtype).element_size()
        tensor = torch.frombuffer(data, dtype=dtype, count=(end - begin) // size, offset=begin)
        tensors[key] = tensor.reshape(info["shape"]).float() if tensor.is_floating_point() else tensor.reshape(info["shape"])
    return tensors


def read_weights(directory):
    index = os.path.join(directory, "model.safetensors.index.json")
    if os.path.exists(index):
        weights = {}
        for shard in sorted(set(json.load(open(index))["weight_map"].values())):
            weights.update(read_safetensors(os.path.join(directory, shard)))
        return weights
    single = os.path.join(directory, "model.safetensors")
    if os.path.exists(single):
        return read_safetensors(single)
    return torch.load(os.path.join(directory, "pytorch_model.bin"), map_location="cpu")


H, NH, EPS = config["hidden_size"], config["num_attention_heads"], config.get("layer_norm_eps", 1e-12)
ACT = {"gelu": F.gelu, "relu": F.relu, "gelu_new": lambda x: F.gelu(x, approximate="tanh")}
if config.get("hidden_act", "gelu") not in ACT:
    sys.exit(f"{checkpoint}/config.json: hidden_act '{config['hidden_act']}' is not one this script exports ({', '.join(ACT)})")
act = ACT[config.get("hidden_act", "gelu")]


class Layer(nn.Module):
    def __init__(s):
        super().__init__(); I = config["intermediate_size"]
        s.q, s.k, s.v, s.o = (nn.Linear(H, H) for _ in range(4)); s.ln1 = nn.LayerNorm(H, eps=EPS)
        s.i = nn.Linear(H, I); s.d = nn.Linear(I, H); s.ln2 = nn.LayerNorm(H, eps=EPS)

    def forward(s, h, ext):
        b, n, _ = h.shape; D = H // NH
        sp = lambda t: t.view(b, n, NH, D).transpose(1, 2)
        a = torch.softmax(sp(s.q(h)) @ sp(s.k(h)).transpose(-1, -2) / math.sqrt(D) + ext, -1) @ sp(s.v(h))
        h1 = s.ln1(s.o(a.transpose(1, 2).reshape(b, n, H)) + h)
        return s.ln2(s.d(act(s.i(h1))) + h1)


class Classifier(nn.Module):
    def __init__(s):
        super().__init__(); E = config["input_embedding_size"]
        s.w = nn.Embedding(config["vocab_size"], E); s.p = nn.Embedding(config["max_position_embeddings"], E)
        s.t = nn.Embedding(config["type_vocab_size"], E); s.ln = nn.LayerNorm(E, eps=EPS); s.m = nn.Linear(E, H)
        s.layers = nn.ModuleList(Layer() for _ in range(config["num_hidden_layers"])); s.pool = nn.Linear(H, H)
        s.cls = nn.Linear(H, config.get("num_labels", len(config.get("id2label", {0: 0, 1: 1}))))

    def forward(s, ids, mask, tt):
        pos = torch.arange(ids.shape[1]).unsqueeze(0)
        h = s.m(s.ln(s.w(ids) + s.t(tt) + s.p(pos)))
        ext = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for l in s.layers: h = l(h, ext)
        return s.cls(torch.tanh(s.pool(h[:, 0])))


model = Classifier().eval()
names = {"w": "embeddings.word_embeddings", "p": "embeddings.position_embeddings", "t": "embeddings.token_type_embeddings",
         "ln": "embeddings.LayerNorm", "m": "encoder.embedding_hidden_mapping_in", "pool": "pooler.dense", "cls": "classifier"}
for j in range(config["num_hidden_layers"]):
    for short, name in (("q", "attention.self.query"), ("k", "attention.self.key"), ("v", "attention.self.value"),
                        ("o", "attention.output.dense"), ("ln1", "attention.output.LayerNorm"), ("i", "intermediate.dense"),
                        ("d", "output.dense"), ("ln2", "output.LayerNorm")):
        names[f"layers.{j}.{short}"] = f"encoder.layer.{j}.{name}"
weights = read_weights(checkpoint)
state = {}
for module, key in names.items():
    for kind in ("weight", "bias"):
        if f"{module}.{kind}" not in model.state_dict():
            continue
        candidates = [key + "." + kind, "rembert." + key + "." + kind]
        found = next((c for c in candidates if c in weights), None)
        if found is None:
            sys.exit(f"{checkpoint}: no weight '{candidates[1]}' (nor '{candidates[0]}')")
        state[f"{module}.{kind}"] = weights[found]
model.load_state_dict(state, strict=True)
del weights, state

B, S = 2, 16
ids = torch.randint(5, min(1000, config["vocab_size"]), (B, S)); mask = torch.ones(B, S, dtype=torch.long)
tt = torch.zeros(B, S, dtype=torch.long)
with torch.no_grad():
    torch.onnx.export(model, (ids, mask, tt), out, input_names=["input_ids", "attention_mask", "token_type_ids"],
                      output_names=["logits"], opset_version=14,
                      dynamic_axes={n: {0: "batch", 1: "seq"} for n in ("input_ids", "attention_mask", "token_type_ids")}
                      | {"logits": {0: "batch"}})
print("wrote", out, "layers", config["num_hidden_layers"], "logits[0]", model(ids, mask, tt)[0].tolist())
