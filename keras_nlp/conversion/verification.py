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

"""Opt-in comparison of a loaded encoder with its source's own outputs.

This is the only module of the conversion package that runs code from a
checkpoint: the functions of a TF Hub SavedModel (in this process), or the
`transformers` model of a Hugging Face directory (in a subprocess, so that
torch is never imported into the TensorFlow process). Use it only on files
you trust. Original TF1 checkpoints hold no code, so they have nothing to
compare with.
"""

import os
import subprocess
import sys
import tempfile

import numpy as np

from keras_nlp.encoders.inputs import INPUT_NAMES

TOLERANCE = 1e-4
_TORCH_SCRIPT = os.path.join(os.path.dirname(__file__), "torch_reference.py")


def probe_inputs(encoder, batch_size=2, sequence_length=8, seed=0):
    """Deterministic encoder inputs, the second example half padded."""
    rng = np.random.default_rng(seed)
    length = min(sequence_length, encoder.max_sequence_length)
    mask = np.ones((batch_size, length), dtype="int32")
    mask[1:, length // 2 :] = 0
    shape = (batch_size, length)
    return {
        "input_word_ids": rng.integers(0, encoder.vocab_size, shape).astype(
            "int32"
        ),
        "input_mask": mask,
        "input_type_ids": rng.integers(
            0, encoder.type_vocab_size, shape
        ).astype("int32"),
    }


def source_outputs(loaded, inputs, python=None):
    """Runs the source of `loaded` on `inputs`.

    Returns:
        A dict of NumPy `sequence_output`, `pooled_output` (and `mlm_logits`
        at `masked_lm_positions` when the source has a masked LM head and
        `inputs` holds the positions), or None when the source holds no
        code to run (a TF1 checkpoint or a keras_nlp preset).

    Raises:
        ImportError: if a Hugging Face model is to be run and `python`
            (default: `$KERAS_NLP_REFERENCE_PYTHON`, else this interpreter)
            cannot import `transformers`.
        ValueError: if the source fails to run.
    """
    if loaded.source_format == "tfhub_saved_model":
        return _run_saved_model(loaded.path, inputs)
    if loaded.source_format == "huggingface":
        python = python or os.environ.get("KERAS_NLP_REFERENCE_PYTHON")
        return _run_transformers(loaded.path, inputs, python or sys.executable)
    return None


def compare_with_source(loaded, tolerance=TOLERANCE, python=None):
    """Max abs differences between `loaded` and its source on probe inputs.

    Padded positions of `sequence_output` are ignored. The masked LM head,
    if loaded, is compared too where the source exposes it.

    Returns:
        A dict `{output_name: max_abs_difference}`, or None when the source
        has nothing to run.

    Raises:
        ValueError: if a difference exceeds `tolerance`.
    """
    inputs = probe_inputs(loaded.encoder)
    if loaded.masked_lm is not None:
        length = inputs["input_word_ids"].shape[1]
        inputs["masked_lm_positions"] = np.array(
            [[0, 1, 2], [length // 2 - 1, 1, 0]], dtype="int32"
        )
    expected = source_outputs(loaded, inputs, python)
    if expected is None:
        return None
    features = {k: inputs[k] for k in inputs if k != "masked_lm_positions"}
    actual = loaded.encoder(features, training=False)
    actual = {
        k: np.asarray(actual[k]) for k in ("sequence_output", "pooled_output")
    }
    if loaded.masked_lm is not None and "mlm_logits" in expected:
        actual["mlm_logits"] = np.asarray(
            loaded.masked_lm(
                actual["sequence_output"],
                masked_positions=inputs["masked_lm_positions"],
            )
        )
    real = inputs["input_mask"].astype(bool)
    differences = {}
    for key, value in actual.items():
        want = np.asarray(expected[key], "float64")
        got = np.asarray(value, "float64")
        if key == "sequence_output":
            want, got = want[:, : got.shape[1]][real], got[real]
        if want.shape != got.shape:
            raise ValueError(
                f"The source at {loaded.path!r} returns `{key}` of shape "
                f"{list(want.shape)}, the loaded encoder {list(got.shape)}."
            )
        differences[key] = float(np.max(np.abs(want - got)))
    worst = max(differences.values())
    if not worst <= tolerance:
        activation = loaded.encoder.inner_activation
        raise ValueError(
            f"The encoder loaded from {loaded.path!r} does not reproduce its "
            f"source: max abs differences {differences} exceed {tolerance}. "
            "The weights were mapped completely, so the source computes "
            "something else, most likely with another activation. Received: "
            f"inner_activation={getattr(activation, '__name__', activation)!r}"
            ". Pass the right one as `config_overrides={'inner_activation': "
            "...}`."
        )
    return differences


def _run_saved_model(path, inputs):
    import tensorflow as tf

    try:
        import tensorflow_text  # noqa: F401  (ops of preprocessing models)
    except ImportError:
        pass
    loaded = tf.saved_model.load(path)
    features = {name: tf.constant(inputs[name]) for name in INPUT_NAMES}
    try:
        outputs = loaded(features)
    except (TypeError, ValueError, tf.errors.OpError) as error:
        raise ValueError(
            f"Calling the SavedModel at {path!r} on a dict of "
            "`input_word_ids`, `input_mask` and `input_type_ids` failed: "
            f"{error}"
        ) from None
    result = {
        k: np.asarray(outputs[k]) for k in ("sequence_output", "pooled_output")
    }
    mlm = getattr(loaded, "mlm", None)
    if callable(mlm) and "masked_lm_positions" in inputs:
        features["masked_lm_positions"] = tf.constant(
            inputs["masked_lm_positions"]
        )
        result["mlm_logits"] = np.asarray(mlm(features)["mlm_logits"])
    return result


def _run_transformers(path, inputs, python):
    with tempfile.TemporaryDirectory() as directory:
        inputs_path = os.path.join(directory, "inputs.npz")
        outputs_path = os.path.join(directory, "outputs.npz")
        np.savez(inputs_path, **inputs)
        # The script imports only numpy, torch and transformers.
        process = subprocess.run(
            [python, _TORCH_SCRIPT, path, inputs_path, outputs_path],
            capture_output=True,
            text=True,
        )
        if process.returncode == 3:
            raise ImportError(
                f"Comparing with the Hugging Face model needs `transformers` "
                f"and `torch` in {python!r}: {process.stderr.strip()}. "
                "Install them with: pip install transformers torch"
            )
        if process.returncode != 0:
            tail = process.stderr.strip().splitlines()[-1:]
            raise ValueError(
                f"Running the Hugging Face model at {path!r} with "
                f"`transformers` failed: {tail}."
            )
        with np.load(outputs_path) as outputs:
            return {name: outputs[name] for name in outputs.files}
