#!/usr/bin/python3
"""Writes the weight files that tests/StaticNN.Tests bakes with [Network(Weights = ...)], from real PyTorch modules.

Run with Debian's python3-torch (`apt-get install python3-torch`): /usr/bin/python3 make_pretrained_files.py
The files are committed; the printed expected outputs are pasted into PretrainedNetworkTests.cs. Seeded, so a re-run
gives the same files. The safetensors format is written by hand (8-byte header length, JSON header padded with spaces
to a multiple of 8, raw little-endian data) so the script needs torch only.
"""
import json
import os
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def save(state, name):
    header, chunks, offset = {}, [], 0
    for key in sorted(state):
        tensor = state[key].contiguous()
        data = tensor.numpy().tobytes()
        header[key] = {"dtype": DTYPES[tensor.dtype], "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def show(name, model, inputs):
    with torch.no_grad():
        outputs = model(inputs)
    print(f"// {name}")
    for x, y in zip(inputs.tolist(), outputs.tolist()):
        print("{ [" + ", ".join(f"{v!r}f" for v in x) + "], [" + ", ".join(f"{v:.9g}f" for v in y) + "] },")


torch.manual_seed(20261125)

# SequentialNet: 4-10(ReLU)-3(Softmax), plain nn.Sequential names (0.weight, 2.weight).
sequential = torch.nn.Sequential(torch.nn.Linear(4, 10), torch.nn.ReLU(), torch.nn.Linear(10, 3), torch.nn.Softmax(dim=1)).eval()
save(sequential.state_dict(), "sequential.safetensors")
show("SequentialNet", sequential, torch.rand(4, 4) * 2 - 1)

# NormalizedNet: 5-17(no bias)-BatchNorm-ReLU-LayerNorm-9(Tanh), with running statistics that are not the defaults.
normalized = torch.nn.Sequential(
    torch.nn.Linear(5, 17, bias=False), torch.nn.BatchNorm1d(17, eps=1e-5), torch.nn.ReLU(),
    torch.nn.LayerNorm(17, eps=1e-5), torch.nn.Linear(17, 9), torch.nn.Tanh())
with torch.no_grad():
    batch_norm, layer_norm = normalized[1], normalized[3]
    batch_norm.weight.uniform_(0.5, 1.5)
    batch_norm.bias.uniform_(-0.5, 0.5)
    batch_norm.running_mean.uniform_(-0.3, 0.3)
    batch_norm.running_var.uniform_(0.5, 2.0)
    batch_norm.num_batches_tracked.fill_(100)
    layer_norm.weight.uniform_(0.5, 1.5)
    layer_norm.bias.uniform_(-0.5, 0.5)
normalized.eval()
save(normalized.state_dict(), "normalized.safetensors")
show("NormalizedNet", normalized, torch.rand(3, 5) * 2 - 1)

# CanonicalNet: 33-17(GELU, tanh form)-1(Sigmoid), StaticNN's own names (layers.{i}.weight), sizes off the SIMD widths.
canonical = torch.nn.Sequential(torch.nn.Linear(33, 17), torch.nn.GELU(approximate="tanh"), torch.nn.Linear(17, 1), torch.nn.Sigmoid()).eval()
state = canonical.state_dict()
save({"layers.0.weight": state["0.weight"], "layers.0.bias": state["0.bias"],
      "layers.1.weight": state["2.weight"], "layers.1.bias": state["2.bias"]}, "canonical.safetensors")
show("CanonicalNet", canonical, torch.rand(2, 33) * 2 - 1)


def save_cases(name, model, inputs):
    """Inputs and PyTorch's outputs for a network too wide to paste: Cases/{name}.safetensors, tensors inputs and outputs."""
    with torch.no_grad():
        outputs = model(inputs)
    os.makedirs(os.path.join(HERE, "Cases"), exist_ok=True)
    save({"inputs": inputs.reshape(inputs.shape[0], -1), "outputs": outputs.reshape(outputs.shape[0], -1)}, os.path.join("Cases", name))
    print(f"// {name}: {inputs.shape[0]} cases, outputs[0] = {outputs[0].tolist()}")


# ConvNet: Conv2d 1->8 3x3, ReLU, MaxPool2d(2), Conv2d 8->17 3x3 padding='same', BatchNorm2d (running statistics that
# are not the defaults), Tanh, AvgPool2d(2), Flatten, Linear(68, 5), Softmax: a plain nn.Sequential state dict.
conv = torch.nn.Sequential(
    torch.nn.Conv2d(1, 8, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Conv2d(8, 17, 3, padding="same"), torch.nn.BatchNorm2d(17, eps=1e-5), torch.nn.Tanh(), torch.nn.AvgPool2d(2),
    torch.nn.Flatten(), torch.nn.Linear(17 * 2 * 2, 5), torch.nn.Softmax(dim=1))
with torch.no_grad():
    batch_norm = conv[4]
    batch_norm.weight.uniform_(0.5, 1.5)
    batch_norm.bias.uniform_(-0.5, 0.5)
    batch_norm.running_mean.uniform_(-0.3, 0.3)
    batch_norm.running_var.uniform_(0.5, 2.0)
    batch_norm.num_batches_tracked.fill_(100)
conv.eval()
save(conv.state_dict(), "conv.safetensors")
save_cases("conv.safetensors", conv, torch.rand(6, 1, 12, 12) * 2 - 1)

# Conv1dNet: Conv1d 3->16 k5 stride 2, ReLU, MaxPool1d(2), Conv1d 16->9 k3 padding='same', GELU (tanh form),
# AdaptiveAvgPool1d(1), Flatten, Linear(9, 2): (channels, length) inputs, global average pooling.
conv1d = torch.nn.Sequential(
    torch.nn.Conv1d(3, 16, 5, stride=2), torch.nn.ReLU(), torch.nn.MaxPool1d(2),
    torch.nn.Conv1d(16, 9, 3, padding="same"), torch.nn.GELU(approximate="tanh"), torch.nn.AdaptiveAvgPool1d(1),
    torch.nn.Flatten(), torch.nn.Linear(9, 2)).eval()
save(conv1d.state_dict(), "conv1d.safetensors")
save_cases("conv1d.safetensors", conv1d, torch.rand(5, 3, 20) * 2 - 1)
