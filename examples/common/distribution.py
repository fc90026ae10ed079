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

"""`tf.distribute` strategies, mixed precision and per-worker outputs."""

import os

import keras
import tensorflow as tf
from absl import flags

STRATEGIES = ("one_device", "mirrored", "multi_worker_mirrored", "tpu")


def define_flags():
    """Defines `--distribution_strategy`, `--tpu` and `--mixed_precision`."""
    flags.DEFINE_enum(
        "distribution_strategy",
        "one_device",
        STRATEGIES,
        "How to distribute training: `one_device` (the first GPU, else the "
        "CPU), `mirrored` (all local GPUs), `multi_worker_mirrored` (several "
        "machines, configured by the TF_CONFIG environment variable) or "
        "`tpu` (see --tpu).",
    )
    flags.DEFINE_string(
        "tpu",
        None,
        "The TPU to use with --distribution_strategy=tpu: its name or "
        "grpc:// address; empty for a TPU VM's local TPU.",
    )
    flags.DEFINE_bool(
        "mixed_precision",
        False,
        "Compute in 16-bit floats with float32 weights: mixed_float16 on "
        "GPUs, mixed_bfloat16 on TPUs and CPUs.",
    )


def get_strategy(name, tpu=None):
    """Returns the `tf.distribute.Strategy` called `name` (see STRATEGIES).

    Call it before any other TensorFlow operation: multi-worker and TPU
    strategies must configure the runtime first.
    """
    if name == "one_device":
        gpus = tf.config.list_logical_devices("GPU")
        return tf.distribute.OneDeviceStrategy("/gpu:0" if gpus else "/cpu:0")
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multi_worker_mirrored":
        return tf.distribute.MultiWorkerMirroredStrategy()
    if name == "tpu":
        return _tpu_strategy(tpu)
    raise ValueError(
        f"`distribution_strategy` must be one of {STRATEGIES}. "
        f"Received: distribution_strategy={name!r}"
    )


def _tpu_strategy(tpu):
    try:
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver(
            tpu=tpu or ""
        )
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
    except (ValueError, RuntimeError, OSError, tf.errors.OpError) as error:
        reason = " ".join(str(error).split())[:300]
        where = f"the TPU {tpu!r}" if tpu else "a local TPU (a TPU VM)"
        raise ValueError(
            f"`--distribution_strategy=tpu` found no TPU: connecting to "
            f"{where} failed ({type(error).__name__}: {reason}). Received: "
            f"tpu={tpu!r}. Run on a TPU VM, pass the name or grpc:// "
            "address of your TPU with --tpu, or use another "
            "--distribution_strategy (one_device, mirrored, "
            "multi_worker_mirrored)."
        ) from None
    if not tf.config.list_logical_devices("TPU"):
        raise ValueError(
            "`--distribution_strategy=tpu` found no TPU device after "
            f"connecting. Received: tpu={tpu!r}. Check the TPU's name and "
            "state, or use another --distribution_strategy."
        )
    return tf.distribute.TPUStrategy(resolver)


def set_mixed_precision(enabled, strategy_name):
    """Sets Keras' global dtype policy; returns the policy name."""
    if not enabled:
        policy = "float32"
    elif strategy_name != "tpu" and tf.config.list_logical_devices("GPU"):
        policy = "mixed_float16"
    else:
        policy = "mixed_bfloat16"
    keras.config.set_dtype_policy(policy)
    return policy


def check_batch_size(batch_size, strategy):
    """Raises a `ValueError` unless the replicas split `batch_size` evenly."""
    num_replicas = strategy.num_replicas_in_sync
    if batch_size < 1 or batch_size % num_replicas:
        raise ValueError(
            f"`--batch_size` is the global batch size and must be a positive "
            f"multiple of the number of replicas ({num_replicas}). Received: "
            f"batch_size={batch_size}. Use e.g. "
            f"--batch_size={max(1, batch_size // num_replicas) * num_replicas}."
        )


def resolve_jit_compile(jit_compile, strategy):
    """`jit_compile`, unless XLA cannot compile the strategy's collectives.

    TensorFlow's XLA has no collective operations on CPUs, which
    multi-worker training on CPUs needs: it then compiles without XLA.
    """
    if (
        jit_compile
        and num_workers(strategy) > 1
        and not tf.config.list_logical_devices("GPU")
        and not tf.config.list_logical_devices("TPU")
    ):
        print(
            "Compiling without XLA: TensorFlow's XLA has no collective ops "
            "on CPUs, which multi-worker training on CPUs needs."
        )
        return False
    return jit_compile


def is_chief(strategy):
    """Whether this task writes the outputs (always, except in multi-worker
    training, where only the chief does)."""
    return strategy.extended.should_checkpoint


def task_output_dir(output_dir, strategy):
    """The directory this task writes to.

    The chief writes to `output_dir`. Other workers of a multi-worker run
    save too (saving may need every worker), but into a private
    subdirectory that nobody reads.
    """
    if is_chief(strategy):
        return output_dir
    resolver = strategy.cluster_resolver
    return os.path.join(
        output_dir, "workers", f"{resolver.task_type}_{resolver.task_id}"
    )


class StrategyFixes:
    """Makes a functional `keras.Model` train under any distribution strategy.

    A mixin, listed before the model class, e.g. `class
    Classifier(StrategyFixes, keras_nlp.models.BertClassifier)`. It works
    around two bugs of Keras 3's `fit()` and `evaluate()` under
    `MultiWorkerMirroredStrategy` with several workers
    (https://github.com/keras-team/keras/issues/20329 and
    https://github.com/keras-team/keras/issues/20585):

    - `fit()` first reduces the whole first batch with one
      `strategy.reduce` call, which fails for nested data such as a dict of
      features. After `set_data_spec(dataset.element_spec)` the model
      builds its losses and metrics from the spec instead.
    - Each step's scalar metrics are reduced across workers along an axis
      0 they do not have. The steps return them with a leading axis of
      size 1, which the reduction removes.
    """

    _data_spec = None

    def set_data_spec(self, element_spec):
        # Kept in a function: Keras does not track functions as state.
        self._data_spec = lambda: element_spec

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        if self._data_spec is not None and data_batch is None:
            iterator, data_batch = None, self._data_spec()
        return super()._maybe_symbolic_build(
            iterator=iterator, data_batch=data_batch
        )

    def train_step(self, data):
        return self._expand_logs(super().train_step(data))

    def test_step(self, data):
        return self._expand_logs(super().test_step(data))

    def _expand_logs(self, logs):
        if num_workers(self.distribute_strategy) < 2:
            return logs
        return {key: tf.reshape(value, [1]) for key, value in logs.items()}


def num_workers(strategy):
    """The number of workers (tasks) training with `strategy`."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None:
        return 1
    spec = resolver.cluster_spec()
    return max(
        1,
        sum(
            spec.num_tasks(job)
            for job in ("chief", "worker")
            if job in spec.jobs
        ),
    )
