# Copyright 2026 The keras_nlp Authors
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     https://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

"""Throughput, model FLOPs utilisation and memory of `BertEncoder`.

For each Keras backend (TensorFlow, JAX, PyTorch) and config it measures
inference (forward) and training-step throughput in sequences/s and
tokens/s through Keras' own compiled functions (`predict_on_batch`,
`train_on_batch`), the model FLOPs utilisation (MFU) against a dense
float32 matmul timed on the same machine in the same run, and the peak
resident memory of the process that ran the config. TensorFlow runs with
and without XLA, JAX with XLA (`jax.jit`), PyTorch eagerly (Keras' default
there). Each figure is the median of several timed iterations after
warm-up. Every (backend, config, XLA) row runs in its own process, under
its own `KERAS_BACKEND`, so that its peak memory is its own.

Usage:

```shell
python benchmarks/encoder.py                      # every backend; small, base
python benchmarks/encoder.py --configs=small --iterations=3
python benchmarks/encoder.py --backends=jax,torch
```
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from absl import app  # noqa: E402
from absl import flags  # noqa: E402

CONFIGS = {
    "tiny": dict(
        num_layers=2, hidden_size=128, num_attention_heads=2, inner_dim=512
    ),
    "small": dict(
        num_layers=4, hidden_size=256, num_attention_heads=4, inner_dim=1024
    ),
    "base": dict(
        num_layers=12, hidden_size=768, num_attention_heads=12, inner_dim=3072
    ),
}
VOCAB_SIZE = 30522

FLAGS = flags.FLAGS
flags.DEFINE_list("configs", ["small", "base"], "Configs to run.")
flags.DEFINE_list(
    "backends", ["tensorflow", "jax", "torch"], "Keras backends to run."
)
flags.DEFINE_integer("sequence_length", 128, "Tokens per sequence.")
flags.DEFINE_integer("batch_size", 16, "Sequences per step.")
flags.DEFINE_integer("warmup", 2, "Untimed iterations (after compiling).")
flags.DEFINE_integer("iterations", 5, "Timed iterations; the median counts.")
flags.DEFINE_string("worker", None, "Internal: run one row as JSON.")

# The XLA settings each backend runs with: TensorFlow both ways, JAX
# compiled (eager JAX runs op by op), PyTorch eagerly (Keras' default; its
# `jit_compile=True` is torch.compile, not XLA).
JIT_MODES = {"tensorflow": (False, True), "jax": (True,), "torch": (False,)}


def encoder_flops(config, sequence_length):
    """Forward FLOPs per sequence (multiply-adds count as two)."""
    h, i, s = config["hidden_size"], config["inner_dim"], sequence_length
    per_token_layer = 2 * (4 * h * h + 2 * h * i)  # q, k, v, out; FFN.
    attention = 2 * 2 * s * h  # Scores and the weighted sum of values.
    layers = config["num_layers"] * s * (per_token_layer + attention)
    pooler = 2 * h * h
    return layers + pooler


def _median_seconds(step, warmup, iterations):
    for _ in range(warmup):
        step()
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def matmul_flops_per_second(iterations=5, size=2048):
    """Peak-like float32 FLOP/s of a dense matmul on this machine.

    The better of TensorFlow's matmul with and without XLA (oneDNN and
    XLA's CPU kernels differ), so that MFU is measured against the fastest
    dense kernel offered here, the same for every backend's rows.
    """
    import tensorflow as tf

    best = 0.0
    a = tf.random.normal((size, size))
    b = tf.random.normal((size, size))
    for jit in (False, True):
        matmul = tf.function(lambda: tf.matmul(a, b), jit_compile=jit)

        def step():
            matmul().numpy()

        seconds = _median_seconds(step, warmup=2, iterations=iterations)
        best = max(best, 2 * size**3 / seconds)
    return best


def run_worker(spec):
    """Measures one (backend, config, XLA) row; prints one JSON line."""
    import keras
    import numpy as np

    import keras_nlp

    config = CONFIGS[spec["config"]]
    batch, length = spec["batch_size"], spec["sequence_length"]
    encoder = keras_nlp.encoders.BertEncoder(
        vocab_size=VOCAB_SIZE,
        max_sequence_length=512,
        type_vocab_size=2,
        **config,
    )
    inputs = [
        keras.Input(shape=(length,), dtype="int32", name=name)
        for name in ("input_word_ids", "input_mask", "input_type_ids")
    ]
    logits = keras.layers.Dense(2)(encoder(inputs)["pooled_output"])
    model = keras.Model(inputs, logits)
    model.compile(
        optimizer=keras.optimizers.AdamW(1e-4),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        jit_compile=spec["jit_compile"],
    )
    rng = np.random.default_rng(0)
    ids = rng.integers(0, VOCAB_SIZE, (batch, length)).astype("int32")
    features = [ids, np.ones_like(ids), np.zeros_like(ids)]
    labels = rng.integers(0, 2, (batch,)).astype("int32")

    def forward():
        np.asarray(model.predict_on_batch(features))

    def train():
        float(np.asarray(model.train_on_batch(features, labels)))

    forward_seconds = _median_seconds(
        forward, spec["warmup"] + 1, spec["iterations"]
    )
    train_seconds = _median_seconds(
        train, spec["warmup"] + 1, spec["iterations"]
    )
    flops = encoder_flops(config, length) * batch
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "forward_seconds": forward_seconds,
                "train_seconds": train_seconds,
                "forward_flops": flops,
                "train_flops": 3 * flops,
                "peak_memory_mib": peak_kib / 1024,
                "parameters": encoder.count_params(),
                "backend_version": _backend_version(keras.config.backend()),
            }
        )
    )


def _backend_version(backend):
    module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}
    return __import__(module[backend]).__version__


def main(_):
    if FLAGS.worker:
        run_worker(json.loads(FLAGS.worker))
        return
    for name in FLAGS.configs:
        if name not in CONFIGS:
            raise ValueError(
                f"Unknown config {name!r}. Expected one of {sorted(CONFIGS)}."
            )
    for backend in FLAGS.backends:
        if backend not in JIT_MODES:
            raise ValueError(
                f"Unknown backend {backend!r}. Expected one of "
                f"{sorted(JIT_MODES)}."
            )
    peak = matmul_flops_per_second()
    print(
        f"{os.cpu_count()} cores; best dense float32 matmul (TensorFlow): "
        f"{peak / 1e9:.1f} GFLOP/s\n"
        f"batch {FLAGS.batch_size} x sequence {FLAGS.sequence_length}, "
        f"median of {FLAGS.iterations} after {FLAGS.warmup} warm-up\n"
    )
    header = (
        f"{'backend':<18} {'config':<6} {'xla':<5} {'params':>7} "
        f"{'mode':<8} {'seq/s':>8} {'tokens/s':>10} {'ms/step':>8} "
        f"{'MFU':>6} {'peak MiB':>9}"
    )
    print(header)
    print("-" * len(header))
    for backend in FLAGS.backends:
        for name in FLAGS.configs:
            for jit in JIT_MODES[backend]:
                figures = _run_row(backend, name, jit)
                label = f"{backend} {figures['backend_version']}"
                for mode in ("forward", "train"):
                    seconds = figures[f"{mode}_seconds"]
                    sequences = FLAGS.batch_size / seconds
                    mfu = figures[f"{mode}_flops"] / seconds / peak
                    print(
                        f"{label:<18} {name:<6} {str(jit):<5} "
                        f"{figures['parameters'] / 1e6:>6.1f}M {mode:<8} "
                        f"{sequences:>8.1f} "
                        f"{sequences * FLAGS.sequence_length:>10.0f} "
                        f"{seconds * 1e3:>8.1f} {mfu:>6.1%} "
                        f"{figures['peak_memory_mib']:>9.0f}",
                        flush=True,
                    )


def _run_row(backend, config, jit):
    spec = {
        "config": config,
        "jit_compile": jit,
        "batch_size": FLAGS.batch_size,
        "sequence_length": FLAGS.sequence_length,
        "warmup": FLAGS.warmup,
        "iterations": FLAGS.iterations,
    }
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    environment = dict(os.environ, KERAS_BACKEND=backend)
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [root, environment.get("PYTHONPATH")])
    )
    result = subprocess.run(
        [sys.executable, __file__, f"--worker={json.dumps(spec)}"],
        capture_output=True,
        text=True,
        env=environment,
    )
    if result.returncode != 0:
        print(result.stderr[-3000:])
        raise RuntimeError(f"The {backend} {config} worker failed.")
    return json.loads(result.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    app.run(main)
