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

"""Building and training the encoders inside `tf.distribute` strategies.

Logical devices must be configured before TensorFlow initializes its
runtime, so each check runs in a fresh Python process.
"""

import subprocess
import sys
import textwrap

from keras_nlp.testing.test_case import TestCase

MIRRORED_SCRIPT = textwrap.dedent("""
    import os
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import numpy as np
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2
    )
    import keras
    import keras_nlp

    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    assert strategy.num_replicas_in_sync == 2
    with strategy.scope():
        encoder = keras_nlp.encoders.{encoder_class}(
            vocab_size=40, hidden_size=8, num_layers=2,
            num_attention_heads=2, inner_dim=16, max_sequence_length=8,
            type_vocab_size=2, output_dropout=0.0, attention_dropout=0.0,
        )
        inputs = [
            keras.Input(shape=(8,), dtype="int32", name=name)
            for name in ("input_word_ids", "input_mask", "input_type_ids")
        ]
        logits = keras.layers.Dense(2)(encoder(inputs)["pooled_output"])
        model = keras.Model(inputs, logits)
        model.compile(
            keras.optimizers.Adam(1e-2),
            keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            jit_compile={jit_compile},
        )
    variable = encoder.get_embedding_table()
    assert isinstance(variable.value, tf.distribute.DistributedValues) or (
        "Mirrored" in type(variable.value).__name__
    ), type(variable.value)

    rng = np.random.default_rng(0)
    ids = rng.integers(1, 40, (32, 8)).astype("int32")
    features = (ids, np.ones_like(ids), np.zeros_like(ids))
    labels = (ids[:, 0] % 2).astype("int32")
    dataset = tf.data.Dataset.from_tensor_slices((features, labels))
    dataset = dataset.batch(8, drop_remainder=True).repeat(6)
    history = model.fit(dataset, epochs=1, verbose=0)
    loss = history.history["loss"]
    assert np.all(np.isfinite(loss)), loss
    before = float(model.evaluate(dataset.take(4), verbose=0))
    model.fit(dataset, epochs=2, verbose=0)
    after = float(model.evaluate(dataset.take(4), verbose=0))
    assert after < before, (before, after)
    print("OK", before, after)
    """)


class DistributionTest(TestCase):
    def _run(self, script):
        result = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            timeout=300,
        )
        self.assertEqual(
            result.returncode, 0, msg=result.stdout + result.stderr[-4000:]
        )
        self.assertIn("OK", result.stdout)

    def test_bert_mirrored_strategy_on_two_devices(self):
        self._run(
            MIRRORED_SCRIPT.format(
                encoder_class="BertEncoder", jit_compile=False
            )
        )

    def test_albert_mirrored_strategy_on_two_devices(self):
        # XLA is tested on one device elsewhere: TensorFlow's XLA cannot
        # place variables mirrored over logical CPU devices ("tf.Variable on
        # a different device", a documented XLA limitation).
        self._run(
            MIRRORED_SCRIPT.format(
                encoder_class="AlbertEncoder", jit_compile=False
            )
        )
