#!/usr/bin/python3
"""A PyTorch reference fine-tune of RemBERT, written from transformers' semantics (no transformers package needed).

It fine-tunes the same start as our trainers (a Hugging Face RemBERT checkpoint directory: config.json,
model.safetensors) on the token ids our tokenizer produced (a features JSON written by the PyTorchReference
benchmark, so both sides see identical inputs and labels), and saves the fine-tuned model as a Hugging Face
checkpoint directory that the benchmark scores with ML.NET's ApplyRemBertModel and the samples' evaluators.

What it reproduces of transformers:
  - RemBertModel: factorized input embedding (word + position + token type, LayerNorm) projected by
    encoder.embedding_hidden_mapping_in, post-LN BERT layers, pooler tanh(dense(h[:, 0])); dropouts from config.
  - heads and losses of RemBertForSequenceClassification (pooled -> dropout(classifier_dropout_prob) -> classifier,
    mean cross-entropy), RemBertForTokenClassification (sequence -> dropout -> classifier, cross-entropy ignoring
    -100), RemBertForQuestionAnswering (qa_outputs on the sequence, positions clamped to the length and ignored
    there, (start CE + end CE) / 2), RemBertForMultipleChoice (choices flattened, pooled -> dropout -> classifier
    -> one logit per choice, cross-entropy); new weights drawn as _init_weights does (normal(0, initializer_range),
    zero bias, LayerNorm 1/0), the pooler too when the checkpoint lacks it.
  - Trainer: RandomSampler batches of --batch-size per epoch, padding to the batch's longest row, AdamW
    (betas 0.9/0.999, eps 1e-8, weight_decay on weight matrices only: none on biases and LayerNorm weights),
    get_linear_schedule_with_warmup (ceil(warmup_ratio x steps) warm-up steps, LambdaLR: step 0 has lr 0),
    clip_grad_norm_(max_grad_norm), set_seed(seed) before the head is initialised.

usage: reference_finetune.py --start DIR --features FILE --out DIR --seed N --epochs N --batch-size N --lr X
                             --warmup-ratio X [--weight-decay X] [--max-grad-norm X] [--threads N]
"""
import argparse, json, math, os, random, shutil, struct, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# --------------------------------------------------------------------------------------------- safetensors
DTYPES = {"F32": (np.float32, 4), "F16": (np.float16, 2), "BF16": (np.uint16, 2), "I64": (np.int64, 8)}


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype, _ = DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=dtype).reshape(info["shape"])
        if info["dtype"] == "BF16":  # bfloat16 is the high half of a float32
            array = (array.astype(np.uint32) << 16).view(np.float32)
        out[name] = torch.from_numpy(array.astype(np.float32 if array.dtype != np.int64 else np.int64).copy())
    return out


def save_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        blob = tensors[name].detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    os.replace(tmp, path)


# --------------------------------------------------------------------------------------------- the model
def activation(name):
    return {"gelu": F.gelu, "relu": F.relu, "gelu_new": lambda x: F.gelu(x, approximate="tanh")}[name]


class Embeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c["vocab_size"], c["input_embedding_size"], padding_idx=c["pad_token_id"])
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], c["input_embedding_size"])
        self.token_type_embeddings = nn.Embedding(c["type_vocab_size"], c["input_embedding_size"])
        self.LayerNorm = nn.LayerNorm(c["input_embedding_size"], eps=c["layer_norm_eps"])
        self.dropout = nn.Dropout(c["hidden_dropout_prob"])

    def forward(self, ids, token_types):
        positions = torch.arange(ids.shape[1]).unsqueeze(0)
        x = self.word_embeddings(ids) + self.token_type_embeddings(token_types) + self.position_embeddings(positions)
        return self.dropout(self.LayerNorm(x))


class SelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        self.heads = c["num_attention_heads"]
        self.query, self.key, self.value = nn.Linear(h, h), nn.Linear(h, h), nn.Linear(h, h)
        self.dropout = nn.Dropout(c["attention_probs_dropout_prob"])

    def forward(self, x, mask):
        b, s, h = x.shape
        d = h // self.heads
        split = lambda t: t.view(b, s, self.heads, d).permute(0, 2, 1, 3)
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + mask
        probs = self.dropout(torch.softmax(scores, dim=-1))
        return (probs @ v).permute(0, 2, 1, 3).reshape(b, s, h)


class SelfOutput(nn.Module):
    def __init__(self, c, inner):
        super().__init__()
        self.dense = nn.Linear(inner, c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.dropout = nn.Dropout(c["hidden_dropout_prob"])

    def forward(self, x, residual):
        return self.LayerNorm(self.dropout(self.dense(x)) + residual)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self = SelfAttention(c)
        self.output = SelfOutput(c, c["hidden_size"])

    def forward(self, x, mask):
        return self.output(self.self(x, mask), x)


class Intermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["intermediate_size"])
        self.act = activation(c["hidden_act"])

    def forward(self, x):
        return self.act(self.dense(x))


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = Attention(c)
        self.intermediate = Intermediate(c)
        self.output = SelfOutput(c, c["intermediate_size"])

    def forward(self, x, mask):
        a = self.attention(x, mask)
        return self.output(self.intermediate(a), a)


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embedding_hidden_mapping_in = nn.Linear(c["input_embedding_size"], c["hidden_size"])
        self.layer = nn.ModuleList([Layer(c) for _ in range(c["num_hidden_layers"])])

    def forward(self, x, mask):
        x = self.embedding_hidden_mapping_in(x)
        for layer in self.layer:
            x = layer(x, mask)
        return x


class Pooler(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["hidden_size"])

    def forward(self, h):
        return torch.tanh(self.dense(h[:, 0]))


class RemBertModel(nn.Module):
    def __init__(self, c, pooler):
        super().__init__()
        self.embeddings = Embeddings(c)
        self.encoder = Encoder(c)
        self.pooler = Pooler(c) if pooler else None

    def forward(self, ids, token_types, attention_mask):
        # transformers' extended mask: (1 - mask) * finfo.min added to the scores
        mask = (1.0 - attention_mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        h = self.encoder(self.embeddings(ids, token_types), mask)
        return h, (self.pooler(h) if self.pooler is not None else None)


class ForTask(nn.Module):
    """RemBertFor{SequenceClassification, TokenClassification, QuestionAnswering, MultipleChoice}."""

    def __init__(self, c, task, num_labels):
        super().__init__()
        self.task = task
        self.rembert = RemBertModel(c, pooler=task in ("sequence", "choice"))
        self.dropout = nn.Dropout(c["classifier_dropout_prob"])
        outputs = {"sequence": num_labels, "token": num_labels, "qa": 2, "choice": 1}[task]
        if task == "qa":
            self.qa_outputs = nn.Linear(c["hidden_size"], outputs)
        else:
            self.classifier = nn.Linear(c["hidden_size"], outputs)

    def forward(self, batch):
        ids, types, mask = batch["ids"], batch["types"], batch["mask"]
        if self.task == "choice":  # (batch, choices, length) -> (batch x choices, length)
            choices = ids.shape[1]
            ids, types, mask = ids.view(-1, ids.shape[-1]), types.view(-1, types.shape[-1]), mask.view(-1, mask.shape[-1])
        h, pooled = self.rembert(ids, types, mask)
        if self.task == "sequence":
            logits = self.classifier(self.dropout(pooled))
            return F.cross_entropy(logits.view(-1, logits.shape[-1]), batch["labels"].view(-1))
        if self.task == "token":
            logits = self.classifier(self.dropout(h))
            return F.cross_entropy(logits.view(-1, logits.shape[-1]), batch["labels"].view(-1), ignore_index=-100)
        if self.task == "choice":
            logits = self.classifier(self.dropout(pooled)).view(-1, choices)
            return F.cross_entropy(logits, batch["labels"])
        start_logits, end_logits = self.qa_outputs(h).split(1, dim=-1)
        start_logits, end_logits = start_logits.squeeze(-1), end_logits.squeeze(-1)
        ignored = start_logits.shape[1]
        starts, ends = batch["starts"].clamp(0, ignored), batch["ends"].clamp(0, ignored)
        return (F.cross_entropy(start_logits, starts, ignore_index=ignored) + F.cross_entropy(end_logits, ends, ignore_index=ignored)) / 2


def init_new_weights(module, std):
    """transformers' RemBertPreTrainedModel._init_weights, for the weights the checkpoint does not have."""
    if isinstance(module, nn.Linear):
        module.weight.data.normal_(mean=0.0, std=std)
        if module.bias is not None:
            module.bias.data.zero_()


# --------------------------------------------------------------------------------------------- data
def pad(rows, value):
    width = max(len(r) for r in rows)
    return torch.tensor([r + [value] * (width - len(r)) for r in rows], dtype=torch.long)


def collate(task, examples, pad_id):
    if task == "choice":
        width = max(len(ids) for e in examples for ids in e["ids"])
        fill = lambda rows, v: [r + [v] * (width - len(r)) for r in rows]
        return {"ids": torch.tensor([fill(e["ids"], pad_id) for e in examples]),
                "types": torch.tensor([fill(e["types"], 0) for e in examples]),
                "mask": torch.tensor([fill([[1] * len(r) for r in e["ids"]], 0) for e in examples]),
                "labels": torch.tensor([e["label"] for e in examples])}
    batch = {"ids": pad([e["ids"] for e in examples], pad_id), "types": pad([e["types"] for e in examples], 0),
             "mask": pad([[1] * len(e["ids"]) for e in examples], 0)}
    if task == "sequence":
        batch["labels"] = torch.tensor([e["label"] for e in examples])
    elif task == "token":  # DataCollatorForTokenClassification pads labels with -100
        batch["labels"] = pad([e["labels"] for e in examples], -100)
    else:
        batch["starts"] = torch.tensor([e["start"] for e in examples])
        batch["ends"] = torch.tensor([e["end"] for e in examples])
    return batch


# --------------------------------------------------------------------------------------------- main
def main():
    p = argparse.ArgumentParser()
    p.add_argument("--start", required=True)
    p.add_argument("--features", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--epochs", type=int, required=True)
    p.add_argument("--batch-size", type=int, required=True)
    p.add_argument("--lr", type=float, required=True)
    p.add_argument("--warmup-ratio", type=float, default=0.0)
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--max-grad-norm", type=float, default=1.0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--initial-loss-only", action="store_true",
                   help="save the starting model (checkpoint + new head) to --out, print its loss on the first batch in eval mode, stop")
    a = p.parse_args()
    torch.set_num_threads(a.threads)

    features = json.load(open(a.features, encoding="utf-8"))
    task, labels, train = features["task"], features.get("labels"), features["train"]
    config = json.load(open(os.path.join(a.start, "config.json"), encoding="utf-8"))
    config["_start"] = a.start
    num_labels = len(labels) if labels else 1

    # transformers' set_seed, then from_pretrained: the model is built, the checkpoint's weights loaded over it
    random.seed(a.seed); np.random.seed(a.seed); torch.manual_seed(a.seed)
    model = ForTask(config, task, num_labels)
    model.apply(lambda m: init_new_weights(m, config["initializer_range"]))
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Embedding):
                m.weight.normal_(0.0, config["initializer_range"])
            if isinstance(m, nn.LayerNorm):
                m.weight.fill_(1.0); m.bias.zero_()
    state = load_safetensors(os.path.join(a.start, "model.safetensors"))
    own = model.state_dict()
    loaded = {k: v for k, v in state.items() if k in own}
    missing = sorted(set(own) - set(loaded))
    model.load_state_dict(loaded, strict=False)
    print(f"{task}: {len(train)} training examples, {num_labels} labels; newly initialised: {missing}", flush=True)

    if a.initial_loss_only:  # the same batch (the first --batch-size examples), no dropout: implementations compared, not seeds
        model.eval()
        with torch.no_grad():
            loss = model(collate(task, train[:a.batch_size], config["pad_token_id"])).item()
        save_checkpoint(a.out, config, task, labels, model)
        print(f"initial loss {loss:.6f}", flush=True)
        return

    decay = [p_ for n, p_ in model.named_parameters() if not (n.endswith(".bias") or "LayerNorm" in n)]
    no_decay = [p_ for n, p_ in model.named_parameters() if n.endswith(".bias") or "LayerNorm" in n]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": a.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
                                  lr=a.lr, betas=(0.9, 0.999), eps=1e-8)
    steps_per_epoch = math.ceil(len(train) / a.batch_size)
    total = steps_per_epoch * a.epochs
    warmup = math.ceil(a.warmup_ratio * total)

    def factor(step):  # get_linear_schedule_with_warmup
        if step < warmup:
            return step / max(1, warmup)
        return max(0.0, (total - step) / max(1, total - warmup))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
    sampler = torch.Generator().manual_seed(a.seed)
    pad_id = config["pad_token_id"]
    clock = time.time()
    first_loss = None
    for epoch in range(1, a.epochs + 1):
        model.train()
        order = torch.randperm(len(train), generator=sampler).tolist()
        losses = []
        for start in range(0, len(order), a.batch_size):
            batch = collate(task, [train[i] for i in order[start:start + a.batch_size]], pad_id)
            loss = model(batch)
            loss.backward()
            if a.max_grad_norm > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), a.max_grad_norm)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            losses.append(loss.item())
            if first_loss is None:
                first_loss = loss.item()
        print(f"  epoch {epoch}/{a.epochs}: mean loss {sum(losses) / len(losses):.4f} ({time.time() - clock:.0f} s)", flush=True)

    save_checkpoint(a.out, config, task, labels, model)
    print(f"first-batch loss {first_loss:.4f}; trained in {time.time() - clock:.1f} s; saved {a.out}", flush=True)


def save_checkpoint(out, config, task, labels, model):
    """A Hugging Face checkpoint directory of the model: config.json, float32 model.safetensors, the tokenizer files."""
    os.makedirs(out, exist_ok=True)
    arch = {"sequence": "RemBertForSequenceClassification", "token": "RemBertForTokenClassification",
            "qa": "RemBertForQuestionAnswering", "choice": "RemBertForMultipleChoice"}[task]
    out_config = {k: v for k, v in config.items() if k != "_start"}
    out_config.update(architectures=[arch], torch_dtype="float32")
    if labels:
        out_config["id2label"] = {str(i): name for i, name in enumerate(labels)}
        out_config["label2id"] = {name: i for i, name in enumerate(labels)}
    if task == "sequence":
        out_config["problem_type"] = "single_label_classification"
    with open(os.path.join(out, "config.json"), "w", encoding="utf-8") as f:
        json.dump(out_config, f, indent=2, ensure_ascii=False)
    for name in ("sentencepiece.model", "tokenizer_config.json"):
        shutil.copy(os.path.join(config["_start"], name), os.path.join(out, name))
    save_safetensors(os.path.join(out, "model.safetensors"), model.state_dict())


if __name__ == "__main__":
    main()
