#!/usr/bin/env python3
"""The ONNX peers' model files for scripts/bench/peers: the Python reference's encoder
(models/all-MiniLM-L6-v2 with the LoRA delta of models/heads merged, as
scripts/reference/score.py loads it) exported once with torch.onnx.export (dynamic batch
and sequence axes, inputs input_ids and attention_mask, output last_hidden_state), and
its dynamic int8 quantization by ONNX Runtime (onnxruntime.quantization.quantize_dynamic,
QInt8 weights).

  onnx_export.py OUT_DIR [--models DIR]

Writes OUT_DIR/encoder.fp32.onnx and OUT_DIR/encoder.int8.onnx; prints one JSON line on
stderr with the seconds each step took (not part of the peers' timings).
"""
import argparse
import json
import os
import sys
import time

import torch

SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(SCRIPTS, "reference"))  # the Python reference, score.py
import score as S  # noqa: E402


class Encoder(torch.nn.Module):
    """BertModel's last hidden state as a plain tensor output (what the exporter wants)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--models", default=os.path.join(S.ROOT, "models"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    fp32 = os.path.join(a.out, "encoder.fp32.onnx")
    int8 = os.path.join(a.out, "encoder.int8.onnx")
    t0 = time.perf_counter()
    model, _, _ = S.load_model(a.models, "fp32")
    x = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]])
    m = (x != 0).long()
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad():
        torch.onnx.export(Encoder(model), (x, m), fp32, input_names=["input_ids", "attention_mask"],
                          output_names=["last_hidden_state"], opset_version=17,
                          dynamic_axes={"input_ids": axes, "attention_mask": axes,
                                        "last_hidden_state": axes})
    t1 = time.perf_counter()
    from onnxruntime.quantization import QuantType, quantize_dynamic
    quantize_dynamic(fp32, int8, weight_type=QuantType.QInt8)
    t2 = time.perf_counter()
    print(json.dumps({"export_s": round(t1 - t0, 3), "quantize_s": round(t2 - t1, 3),
                      "fp32_bytes": os.path.getsize(fp32), "int8_bytes": os.path.getsize(int8)}),
          file=sys.stderr)


if __name__ == "__main__":
    main()
