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

"""int8 vs float32 inference and LoRA vs full fine-tuning of a classifier.

Builds a `keras_nlp.models.BertClassifier` over a `BertEncoder` (BERT-Base
by default, randomly initialized: speed and size do not depend on the
values) and reports, each as the median of `--iterations` timed batches
after one warm-up batch:

- forward throughput (sequences/s) of the float32 model and of the same
  model after `quantize("int8")`, the largest output difference between
  the two, and the size of each model's weights (in memory and as a
  `.keras` file);
- the training-step time of full fine-tuning and of LoRA
  (`encoder.enable_lora(rank)`), with the trainable parameter count of
  each.

Usage:

```shell
python benchmarks/task_models.py                     # BERT-Base
python benchmarks/task_models.py --config=tiny --iterations=2
```
"""

import json
import os
import statistics
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from absl import app  # noqa: E402
from absl import flags  # noqa: E402

CONFIGS = {
    "tiny": dict(
        num_layers=2, hidden_size=128, num_attention_heads=2, inner_dim=512
    ),
    "base": dict(
        num_layers=12, hidden_size=768, num_attention_heads=12, inner_dim=3072
    ),
}
VOCAB_SIZE = 30522

FLAGS = flags.FLAGS
flags.DEFINE_enum("config", "base", list(CONFIGS), "Encoder size.")
flags.DEFINE_integer("batch_size", 8, "Sequences per batch.")
flags.DEFINE_integer("sequence_length", 128, "Tokens per sequence.")
flags.DEFINE_integer("iterations", 3, "Timed batches; the median counts.")
flags.DEFINE_integer("lora_rank", 8, "Rank of the LoRA adapters.")


def _median_seconds(step, iterations):
    step()  # Warm-up (and tracing).
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _classifier():
    import keras_nlp.models
    from keras_nlp.encoders.bert_encoder import BertEncoder

    encoder = BertEncoder(
        vocab_size=VOCAB_SIZE,
        max_sequence_length=512,
        type_vocab_size=2,
        **CONFIGS[FLAGS.config],
    )
    return keras_nlp.models.BertClassifier(encoder, num_classes=2)


def _weight_bytes(model):
    import numpy as np

    return sum(
        int(np.prod(weight.shape)) * np.dtype(weight.dtype).itemsize
        for weight in model.weights
    )


def _file_bytes(model):
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "model.keras")
        model.save(path)
        return os.path.getsize(path)


def _count(weights):
    import numpy as np

    return sum(int(np.prod(weight.shape)) for weight in weights)


def _fine_tuning(lora, inputs, labels):
    """Training-step time and parameter counts, full or LoRA."""
    model = _classifier()
    if lora:
        model.encoder.enable_lora(FLAGS.lora_rank)
    model.compile()
    seconds = _median_seconds(
        lambda: model.train_on_batch(inputs, labels), FLAGS.iterations
    )
    return {
        "step_seconds": seconds,
        "trainable_parameters": _count(model.trainable_weights),
        "total_parameters": _count(model.weights),
    }


def main(_):
    import keras
    import numpy as np

    batch, length = FLAGS.batch_size, FLAGS.sequence_length
    rng = np.random.default_rng(0)
    ids = rng.integers(1, VOCAB_SIZE, (batch, length)).astype("int32")
    inputs = {
        "input_word_ids": ids,
        "input_mask": np.ones_like(ids),
        "input_type_ids": np.zeros_like(ids),
    }
    labels = rng.integers(0, 2, (batch,)).astype("int32")
    results = {
        "backend": keras.config.backend(),
        "config": FLAGS.config,
        "batch_size": batch,
        "sequence_length": length,
    }

    # int8 vs float32 inference.
    model = _classifier()
    float_seconds = _median_seconds(
        lambda: model.predict_on_batch(inputs), FLAGS.iterations
    )
    float_logits = model.predict_on_batch(inputs)
    results["float32"] = {
        "forward_sequences_per_second": batch / float_seconds,
        "weight_megabytes": _weight_bytes(model) / 1e6,
        "file_megabytes": _file_bytes(model) / 1e6,
    }
    model.quantize("int8")
    int8_seconds = _median_seconds(
        lambda: model.predict_on_batch(inputs), FLAGS.iterations
    )
    int8_logits = model.predict_on_batch(inputs)
    results["int8"] = {
        "forward_sequences_per_second": batch / int8_seconds,
        "weight_megabytes": _weight_bytes(model) / 1e6,
        "file_megabytes": _file_bytes(model) / 1e6,
        "max_abs_logit_difference": float(
            np.abs(int8_logits - float_logits).max()
        ),
        "max_abs_float32_logit": float(np.abs(float_logits).max()),
    }

    # LoRA vs full fine-tuning.
    for name in ("full", "lora"):
        results[f"{name}_fine_tuning"] = _fine_tuning(
            name == "lora", inputs, labels
        )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    app.run(main)
