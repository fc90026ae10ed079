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

"""BERT's optimizer recipe: AdamW with linear warm-up and linear decay."""

import keras
from keras import ops

# Variables whose name contains one of these are not weight-decayed:
# biases and the layer norms' scale ("gamma") and offset ("beta").
NO_WEIGHT_DECAY_NAMES = ("bias", "gamma", "beta")


@keras.saving.register_keras_serializable(package="keras_nlp_examples")
class WarmupLinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Linear warm-up to a peak learning rate, then linear decay.

    The learning rate grows linearly from 0 to `peak_learning_rate` over
    the first `warmup_steps` steps, then decays linearly to
    `end_learning_rate` at step `total_steps` and stays there: the schedule
    of BERT's pretraining and fine-tuning recipes.

    Args:
        peak_learning_rate: float. The learning rate at the end of warm-up.
        warmup_steps: int. The number of warm-up steps (0 for none).
        total_steps: int. The step at which the decay ends.
        end_learning_rate: float. The final learning rate. Defaults to `0.0`.

    Example:

    ```python
    schedule = WarmupLinearDecay(1e-3, warmup_steps=10, total_steps=110)
    schedule(5)  # 5e-4, warming up.
    schedule(10)  # 1e-3, the peak.
    schedule(60)  # 5e-4, half-way through the decay.
    ```
    """

    def __init__(
        self,
        peak_learning_rate,
        warmup_steps,
        total_steps,
        end_learning_rate=0.0,
    ):
        if peak_learning_rate <= 0:
            raise ValueError(
                "`peak_learning_rate` must be positive. "
                f"Received: peak_learning_rate={peak_learning_rate}"
            )
        if not 0 <= warmup_steps <= total_steps or total_steps < 1:
            raise ValueError(
                "The schedule needs 0 <= `warmup_steps` <= `total_steps` and "
                f"`total_steps` >= 1. Received: warmup_steps={warmup_steps}, "
                f"total_steps={total_steps}. Train for more steps or lower "
                "the warm-up fraction."
            )
        self.peak_learning_rate = float(peak_learning_rate)
        self.warmup_steps = int(warmup_steps)
        self.total_steps = int(total_steps)
        self.end_learning_rate = float(end_learning_rate)

    def __call__(self, step):
        step = ops.cast(step, "float32")
        peak = self.peak_learning_rate
        warmup = ops.cast(max(self.warmup_steps, 1), "float32")
        warmup_rate = peak * step / warmup
        decay_steps = ops.cast(
            max(self.total_steps - self.warmup_steps, 1), "float32"
        )
        progress = ops.clip((step - self.warmup_steps) / decay_steps, 0.0, 1.0)
        decay_rate = peak + (self.end_learning_rate - peak) * progress
        return ops.where(step < self.warmup_steps, warmup_rate, decay_rate)

    def get_config(self):
        return {
            "peak_learning_rate": self.peak_learning_rate,
            "warmup_steps": self.warmup_steps,
            "total_steps": self.total_steps,
            "end_learning_rate": self.end_learning_rate,
        }


def create_optimizer(
    learning_rate,
    total_steps,
    warmup_fraction=0.1,
    weight_decay=0.01,
    global_clipnorm=1.0,
):
    """Returns BERT's AdamW optimizer with a `WarmupLinearDecay` schedule.

    Weight decay skips biases and layer norm parameters, and gradients are
    clipped to a global norm of `global_clipnorm`, as in BERT.

    Args:
        learning_rate: float. The peak learning rate.
        total_steps: int. The number of training steps.
        warmup_fraction: float. The fraction of `total_steps` spent warming
            up. Defaults to `0.1`.
        weight_decay: float. The decoupled weight decay rate. Defaults to
            `0.01`.
        global_clipnorm: float or None. Clips gradients to this global norm.
            Defaults to `1.0`.

    Returns:
        A `keras.optimizers.AdamW`.
    """
    if not 0 <= warmup_fraction <= 1:
        raise ValueError(
            "`warmup_fraction` must be in [0, 1]. "
            f"Received: warmup_fraction={warmup_fraction}"
        )
    schedule = WarmupLinearDecay(
        peak_learning_rate=learning_rate,
        warmup_steps=int(total_steps * warmup_fraction),
        total_steps=total_steps,
    )
    optimizer = keras.optimizers.AdamW(
        learning_rate=schedule,
        weight_decay=weight_decay,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-6,
        global_clipnorm=global_clipnorm,
    )
    optimizer.exclude_from_weight_decay(var_names=list(NO_WEIGHT_DECAY_NAMES))
    return optimizer
