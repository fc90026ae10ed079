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

"""Throughput and memory of `BertEncoder` side by side with its peers.

Every row is one implementation of the same BERT encoder (random
weights, the same config) with a 2-way classification head on the pooled
output, measured in its own process so that its peak resident memory is
its own:

- `keras_nlp`: `keras_nlp.encoders.BertEncoder`, on each Keras backend
  asked for (`--backends`);
- `keras_hub`: keras-hub's `BertBackbone` (Keras 3 on TensorFlow, the
  same stack as keras_nlp), if `keras_hub` is installed;
- `model_garden`: TF Model Garden's `BertEncoderV2` (`tf-models-official`
  on `tf_keras`), if installed;
- `hf`: Hugging Face transformers' `BertModel` on PyTorch (eager), if
  installed, and only in float32.

Keras models run through their own compiled functions
(`predict_on_batch`, `train_on_batch` with AdamW), on TensorFlow with and
without XLA; PyTorch runs eagerly. Each figure is the median of the timed
iterations after warm-up; with `--rounds` above 1 the rows are visited
round-robin that many times and each keeps its best median, so that
every implementation sees the same machine load. The last columns give
keras_nlp's best figure over the fastest peer's in the same run, and the
model FLOPs utilisation (MFU) against a dense float32 matmul timed in the
same run.

Usage:

```shell
python benchmarks/encoder.py                          # keras_nlp + peers
python benchmarks/encoder.py --dtype_policy=mixed_bfloat16
python benchmarks/encoder.py --configs=small --rounds=1 --iterations=3
python benchmarks/encoder.py --implementations=keras_nlp \
    --backends=tensorflow,jax,torch
```

The peers are optional: `pip install keras-hub`, `pip install
tf-models-official tf-keras` (with `--no-deps` to keep this TensorFlow),
`pip install transformers`. A peer that is not installed is listed as
skipped.
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
# Sequences per step when `--batch_size` is not given.
DEFAULT_BATCH_SIZES = {"tiny": 32, "small": 32, "base": 8}
VOCAB_SIZE = 30522
IMPLEMENTATIONS = ("keras_nlp", "keras_hub", "model_garden", "hf")
PEER_MODULES = {
    "keras_hub": "keras_hub",
    "model_garden": "official.nlp.modeling",
    "hf": "transformers",
}

FLAGS = flags.FLAGS
flags.DEFINE_list("configs", ["small", "base"], "Configs to run.")
flags.DEFINE_list(
    "implementations",
    list(IMPLEMENTATIONS),
    "keras_nlp and the peers to run; peers that are not installed are "
    "skipped.",
)
flags.DEFINE_list(
    "backends",
    ["tensorflow"],
    "Keras backends for the keras_nlp rows (tensorflow, jax, torch).",
)
flags.DEFINE_enum(
    "dtype_policy",
    "float32",
    ["float32", "mixed_bfloat16", "mixed_float16", "bfloat16"],
    "Keras dtype policy of every Keras row.",
)
flags.DEFINE_enum(
    "xla", "both", ["both", "on", "off"], "XLA for the TensorFlow rows."
)
flags.DEFINE_list("modes", ["forward", "train"], "forward and/or train.")
flags.DEFINE_integer("sequence_length", 128, "Tokens per sequence.")
flags.DEFINE_integer(
    "batch_size", None, "Sequences per step (default: 32 small, 8 base)."
)
flags.DEFINE_integer("warmup", 2, "Untimed iterations (after compiling).")
flags.DEFINE_integer("iterations", 5, "Timed iterations; the median counts.")
flags.DEFINE_integer(
    "rounds", 2, "Round-robin visits of every row; each keeps its best."
)
flags.DEFINE_string("worker", None, "Internal: run one row as JSON.")


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


def matmul_flops_per_second(dtype="float32", iterations=5, size=2048):
    """Peak-like FLOP/s of a dense `size`-square matmul on this machine.

    The better of TensorFlow's matmul with and without XLA (oneDNN and
    XLA's CPU kernels differ).
    """
    import tensorflow as tf

    best = 0.0
    a = tf.cast(tf.random.normal((size, size)), dtype)
    b = tf.cast(tf.random.normal((size, size)), dtype)
    for jit in (False, True):
        matmul = tf.function(lambda: tf.matmul(a, b), jit_compile=jit)

        def step():
            matmul().numpy()

        seconds = _median_seconds(step, warmup=2, iterations=iterations)
        best = max(best, 2 * size**3 / seconds)
    return best


# --- The workers: one builder per implementation. Each returns
# `(forward, train, parameter_count)`, two callables that run one step
# to completion. ---


def _keras3_steps(model, inputs, labels, jit_compile):
    import keras
    import numpy as np

    model.compile(
        optimizer=keras.optimizers.AdamW(1e-4),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        jit_compile=jit_compile,
    )

    def forward():
        np.asarray(model.predict_on_batch(inputs))

    def train():
        float(np.asarray(model.train_on_batch(inputs, labels)))

    return forward, train


def _build_keras_nlp(config, inputs, labels, spec):
    import keras

    import keras_nlp

    keras.config.set_dtype_policy(spec["dtype_policy"])
    encoder = keras_nlp.encoders.BertEncoder(
        vocab_size=VOCAB_SIZE,
        max_sequence_length=512,
        type_vocab_size=2,
        **config,
    )
    logits = keras.layers.Dense(2, dtype="float32")(
        encoder(encoder.input)["pooled_output"]
    )
    model = keras.Model(encoder.input, logits)
    features = {
        "input_word_ids": inputs["word_ids"],
        "input_mask": inputs["mask"],
        "input_type_ids": inputs["type_ids"],
    }
    steps = _keras3_steps(model, features, labels, spec["jit_compile"])
    return steps + (encoder.count_params(),)


def _build_keras_hub(config, inputs, labels, spec):
    import keras
    import keras_hub

    keras.config.set_dtype_policy(spec["dtype_policy"])
    backbone = keras_hub.models.BertBackbone(
        vocabulary_size=VOCAB_SIZE,
        num_layers=config["num_layers"],
        num_heads=config["num_attention_heads"],
        hidden_dim=config["hidden_size"],
        intermediate_dim=config["inner_dim"],
        max_sequence_length=512,
        num_segments=2,
    )
    logits = keras.layers.Dense(2, dtype="float32")(
        backbone(backbone.input)["pooled_output"]
    )
    model = keras.Model(backbone.input, logits)
    features = {
        "token_ids": inputs["word_ids"],
        "padding_mask": inputs["mask"],
        "segment_ids": inputs["type_ids"],
    }
    steps = _keras3_steps(model, features, labels, spec["jit_compile"])
    return steps + (backbone.count_params(),)


def _build_model_garden(config, inputs, labels, spec):
    import numpy as np
    import tf_keras
    from official.nlp.modeling import networks

    tf_keras.mixed_precision.set_global_policy(spec["dtype_policy"])
    network = networks.BertEncoderV2(
        vocab_size=VOCAB_SIZE,
        hidden_size=config["hidden_size"],
        num_layers=config["num_layers"],
        num_attention_heads=config["num_attention_heads"],
        inner_dim=config["inner_dim"],
        max_sequence_length=512,
        type_vocab_size=2,
    )
    names = ("input_word_ids", "input_mask", "input_type_ids")
    model_inputs = {
        name: tf_keras.Input(shape=(None,), dtype="int32", name=name)
        for name in names
    }
    pooled = network(model_inputs)["pooled_output"]
    logits = tf_keras.layers.Dense(2, dtype="float32")(pooled)
    model = tf_keras.Model(model_inputs, logits)
    model.compile(
        optimizer=tf_keras.optimizers.AdamW(1e-4),
        loss=tf_keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        jit_compile=spec["jit_compile"],
    )
    features = dict(
        zip(names, (inputs["word_ids"], inputs["mask"], inputs["type_ids"]))
    )

    def forward():
        np.asarray(model.predict_on_batch(features))

    def train():
        float(np.asarray(model.train_on_batch(features, labels)))

    return forward, train, network.count_params()


def _build_hf(config, inputs, labels, spec):
    import torch
    import transformers

    if spec["dtype_policy"] != "float32":
        raise ValueError("The hf rows run in float32 only.")
    torch.manual_seed(0)
    bert_config = transformers.BertConfig(
        vocab_size=VOCAB_SIZE,
        hidden_size=config["hidden_size"],
        num_hidden_layers=config["num_layers"],
        num_attention_heads=config["num_attention_heads"],
        intermediate_size=config["inner_dim"],
        max_position_embeddings=512,
        type_vocab_size=2,
    )
    encoder = transformers.BertModel(bert_config)
    head = torch.nn.Linear(config["hidden_size"], 2)
    parameters = list(encoder.parameters()) + list(head.parameters())
    optimizer = torch.optim.AdamW(parameters, lr=1e-4)
    word_ids = torch.from_numpy(inputs["word_ids"]).long()
    mask = torch.from_numpy(inputs["mask"]).long()
    type_ids = torch.from_numpy(inputs["type_ids"]).long()
    targets = torch.from_numpy(labels).long()

    def logits():
        outputs = encoder(
            input_ids=word_ids, attention_mask=mask, token_type_ids=type_ids
        )
        return head(outputs.pooler_output)

    def forward():
        encoder.eval()
        with torch.inference_mode():
            logits().numpy()

    def train():
        encoder.train()
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(logits(), targets)
        loss.backward()
        optimizer.step()
        float(loss)

    return forward, train, sum(p.numel() for p in encoder.parameters())


BUILDERS = {
    "keras_nlp": _build_keras_nlp,
    "keras_hub": _build_keras_hub,
    "model_garden": _build_model_garden,
    "hf": _build_hf,
}


def run_worker(spec):
    """Measures one row; prints one JSON line."""
    import numpy as np

    config = CONFIGS[spec["config"]]
    batch, length = spec["batch_size"], spec["sequence_length"]
    rng = np.random.default_rng(0)
    word_ids = rng.integers(0, VOCAB_SIZE, (batch, length)).astype("int32")
    inputs = {
        "word_ids": word_ids,
        "mask": np.ones_like(word_ids),
        "type_ids": np.zeros_like(word_ids),
    }
    labels = rng.integers(0, 2, (batch,)).astype("int32")
    forward, train, parameters = BUILDERS[spec["implementation"]](
        config, inputs, labels, spec
    )
    figures = {"parameters": parameters}
    steps = {"forward": forward, "train": train}
    for mode in spec["modes"]:
        # One extra warm-up call compiles.
        figures[f"{mode}_seconds"] = _median_seconds(
            steps[mode], spec["warmup"] + 1, spec["iterations"]
        )
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    figures["peak_memory_mib"] = peak_kib / 1024
    print(json.dumps(figures))


def _row_specs():
    """Every (implementation, backend, config, XLA) row to run."""
    xla_modes = {"both": (False, True), "on": (True,), "off": (False,)}
    rows = []
    for name in FLAGS.configs:
        for implementation in FLAGS.implementations:
            if implementation == "keras_nlp":
                backends = FLAGS.backends
            elif implementation == "hf":
                backends = ["torch"]
            else:
                backends = ["tensorflow"]
            for backend in backends:
                if implementation == "hf" or backend == "torch":
                    jit_modes = (False,)  # Eager PyTorch.
                elif backend == "jax":
                    jit_modes = (True,)  # Eager JAX runs op by op.
                else:
                    jit_modes = xla_modes[FLAGS.xla]
                for jit in jit_modes:
                    rows.append(
                        {
                            "implementation": implementation,
                            "backend": backend,
                            "config": name,
                            "jit_compile": jit,
                            "dtype_policy": FLAGS.dtype_policy,
                            "batch_size": FLAGS.batch_size
                            or DEFAULT_BATCH_SIZES[name],
                            "sequence_length": FLAGS.sequence_length,
                            "warmup": FLAGS.warmup,
                            "iterations": FLAGS.iterations,
                            "modes": FLAGS.modes,
                        }
                    )
    return rows


def _peer_installed(implementation):
    import importlib.util

    module = PEER_MODULES.get(implementation)
    if module is None:
        return True
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def _run_row(spec):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    environment = dict(os.environ, KERAS_BACKEND=spec["backend"])
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
        raise RuntimeError(f"The worker for {spec} failed.")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _check_flags():
    for name in FLAGS.configs:
        if name not in CONFIGS:
            raise ValueError(
                f"Unknown config {name!r}. Expected one of {sorted(CONFIGS)}."
            )
    for implementation in FLAGS.implementations:
        if implementation not in IMPLEMENTATIONS:
            raise ValueError(
                f"Unknown implementation {implementation!r}. Expected one "
                f"of {list(IMPLEMENTATIONS)}."
            )
    for backend in FLAGS.backends:
        if backend not in ("tensorflow", "jax", "torch"):
            raise ValueError(
                f"Unknown backend {backend!r}. Expected tensorflow, jax or "
                "torch."
            )
    for mode in FLAGS.modes:
        if mode not in ("forward", "train"):
            raise ValueError(
                f"Unknown mode {mode!r}. Expected forward and/or train."
            )


def main(_):
    if FLAGS.worker:
        run_worker(json.loads(FLAGS.worker))
        return
    _check_flags()
    skipped = [i for i in FLAGS.implementations if not _peer_installed(i)]
    for implementation in skipped:
        print(
            f"skipped {implementation}: {PEER_MODULES[implementation]} is "
            "not installed"
        )
    rows = [
        spec
        for spec in _row_specs()
        if spec["implementation"] not in skipped
        and not (
            spec["implementation"] == "hf" and FLAGS.dtype_policy != "float32"
        )
    ]
    peak = matmul_flops_per_second("float32")
    print(
        f"{os.cpu_count()} cores; dtype policy {FLAGS.dtype_policy}; best "
        f"dense float32 matmul: {peak / 1e9:.1f} GFLOP/s; sequence "
        f"{FLAGS.sequence_length}; median of {FLAGS.iterations} after "
        f"{FLAGS.warmup} warm-up, best of {FLAGS.rounds} rounds\n",
        flush=True,
    )
    results = [None] * len(rows)
    for _ in range(FLAGS.rounds):
        for index, spec in enumerate(rows):
            figures = _run_row(spec)
            best = results[index]
            if best is None:
                results[index] = figures
                continue
            for mode in FLAGS.modes:
                key = f"{mode}_seconds"
                best[key] = min(best[key], figures[key])
            best["peak_memory_mib"] = min(
                best["peak_memory_mib"], figures["peak_memory_mib"]
            )
    _print_table(rows, results, peak)


def _row_label(spec):
    label = spec["implementation"]
    if spec["implementation"] == "keras_nlp":
        label += f" ({spec['backend']})"
    return label


def _print_table(rows, results, peak):
    header = (
        f"{'implementation':<23} {'config':<6} {'batch':>5} {'xla':<5} "
        f"{'params':>7} {'mode':<8} {'seq/s':>8} {'ms/step':>8} {'MFU':>6} "
        f"{'peak MiB':>9}"
    )
    print(header)
    print("-" * len(header))
    best = {}  # (config, mode, is_keras_nlp) -> best sequences/s.
    for spec, figures in zip(rows, results):
        config = CONFIGS[spec["config"]]
        flops = encoder_flops(config, spec["sequence_length"])
        for mode in FLAGS.modes:
            seconds = figures[f"{mode}_seconds"]
            sequences = spec["batch_size"] / seconds
            mode_flops = (
                flops * spec["batch_size"] * (3 if mode == "train" else 1)
            )
            print(
                f"{_row_label(spec):<23} {spec['config']:<6} "
                f"{spec['batch_size']:>5} {str(spec['jit_compile']):<5} "
                f"{figures['parameters'] / 1e6:>6.1f}M {mode:<8} "
                f"{sequences:>8.2f} {seconds * 1e3:>8.1f} "
                f"{mode_flops / seconds / peak:>6.1%} "
                f"{figures['peak_memory_mib']:>9.0f}",
                flush=True,
            )
            ours = spec["implementation"] == "keras_nlp"
            key = (spec["config"], mode, ours)
            best[key] = max(best.get(key, 0.0), sequences)
    print("\nkeras_nlp's best over the fastest peer's, sequences/s:")
    for name in FLAGS.configs:
        for mode in FLAGS.modes:
            ours = best.get((name, mode, True))
            theirs = best.get((name, mode, False))
            if ours and theirs:
                print(
                    f"  {name:<6} {mode:<8} {ours:8.2f} / {theirs:8.2f} = "
                    f"{ours / theirs:.2f}x"
                )


if __name__ == "__main__":
    app.run(main)
