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

"""Converts a pretrained BERT or ALBERT checkpoint into a keras_nlp preset.

Usage:

    python tools/checkpoint_conversion/convert_checkpoint.py \\
        --source=PATH_OR_HANDLE --output_dir=DIR [--with_mlm_head] \\
        [--overwrite]

The source may be an original google-research BERT or ALBERT checkpoint
directory, a Hugging Face BERT or ALBERT directory (safetensors), a TF Hub
SavedModel or a keras_nlp preset; its format is recognized from its files.
The script prints how many source variables were loaded and how many were
skipped by which rule. When the source can be run (a Hugging Face model with
`transformers` and `torch` installed), both models are run on the same
inputs and the conversion fails if their outputs differ by more than 1e-4.
"""

import os
import sys

import numpy as np
from absl import app
from absl import flags

import keras_nlp

FLAGS = flags.FLAGS

# The largest max abs difference accepted between source and conversion.
TOLERANCE = 1e-4
OUTPUT_NAMES = ("sequence_output", "pooled_output")


def define_flags(flag_values=FLAGS):
    flags.DEFINE_string(
        "source",
        None,
        "The checkpoint directory (or TF Hub handle) to convert.",
        flag_values=flag_values,
    )
    flags.DEFINE_string(
        "output_dir",
        None,
        "The keras_nlp preset directory to write. Must be empty or absent "
        "unless --overwrite.",
        flag_values=flag_values,
    )
    flags.DEFINE_bool(
        "with_mlm_head",
        False,
        "Also convert the masked LM head (and the next-sentence head, if "
        "the source has one).",
        flag_values=flag_values,
    )
    flags.DEFINE_bool(
        "overwrite",
        False,
        "Replace the contents of a non-empty --output_dir.",
        flag_values=flag_values,
    )


def probe_inputs(encoder, batch_size=2, sequence_length=8, seed=0):
    """Deterministic encoder inputs, the second example padded."""
    rng = np.random.default_rng(seed)
    length = min(sequence_length, encoder.max_sequence_length)
    shape = (batch_size, length)
    mask = np.ones(shape, dtype="int32")
    mask[1:, length // 2 :] = 0
    return {
        "input_word_ids": rng.integers(0, encoder.vocab_size, shape).astype(
            "int32"
        ),
        "input_mask": mask,
        "input_type_ids": rng.integers(
            0, encoder.type_vocab_size, shape
        ).astype("int32"),
    }


def reference_outputs(loaded, inputs):
    """Runs the source model, if possible.

    Returns:
        `(outputs, reason)`: a dict of NumPy `sequence_output` and
        `pooled_output`, or None and why the source cannot be run.
    """
    if loaded.source_format != "huggingface":
        return None, (
            f"no runnable reference for a `{loaded.source_format}` source "
            "in this environment"
        )
    try:
        import torch
        import transformers
    except ImportError:
        return None, (
            "`transformers` is not installed (pip install transformers "
            "torch)"
        )
    model = transformers.AutoModel.from_pretrained(
        loaded.path, use_safetensors=True
    )
    model.eval()
    with torch.no_grad():
        outputs = model(
            input_ids=torch.tensor(inputs["input_word_ids"]).long(),
            attention_mask=torch.tensor(inputs["input_mask"]).long(),
            token_type_ids=torch.tensor(inputs["input_type_ids"]).long(),
        )
    return {
        "sequence_output": outputs.last_hidden_state.numpy(),
        "pooled_output": outputs.pooler_output.numpy(),
    }, None


def max_differences(actual, expected, mask):
    """Max abs differences per output; padded positions are ignored."""
    real = mask.astype(bool)
    sequence = np.abs(
        np.asarray(actual["sequence_output"], "float64")
        - np.asarray(expected["sequence_output"], "float64")
    )
    pooled = np.abs(
        np.asarray(actual["pooled_output"], "float64")
        - np.asarray(expected["pooled_output"], "float64")
    )
    return {
        "sequence_output": float(sequence[real].max()),
        "pooled_output": float(pooled.max()),
    }


def run(source, output_dir, with_mlm_head=False, overwrite=False):
    """Converts `source` into the preset `output_dir`, printing a report.

    Raises:
        ValueError: if `output_dir` is not empty and `overwrite` is False,
            the source cannot be loaded, or its outputs and the
            conversion's differ by more than `TOLERANCE`.
    """
    output_dir = os.path.abspath(output_dir)
    if os.path.isdir(output_dir) and os.listdir(output_dir) and not overwrite:
        raise ValueError(
            f"--output_dir is not empty. Received: --output_dir={output_dir}"
            f" holding {sorted(os.listdir(output_dir))}. Choose an empty or "
            "new directory, or pass --overwrite to replace it."
        )
    print(f"Source: {source}")
    print(f"Format: {keras_nlp.conversion.detect_format(source)}")
    loaded = keras_nlp.conversion.load_checkpoint(
        source, with_mlm_head=with_mlm_head
    )
    encoder = loaded.encoder
    print(f"Model: {encoder.__class__.__name__}")
    print(loaded.summary_text)
    for note in loaded.notes:
        print(f"Note: {note}")

    inputs = probe_inputs(encoder)
    expected, reason = reference_outputs(loaded, inputs)
    if expected is None:
        print(f"Skipping the comparison with the source: {reason}.")
    else:
        outputs = encoder(inputs)
        actual = {name: np.asarray(outputs[name]) for name in OUTPUT_NAMES}
        differences = max_differences(actual, expected, inputs["input_mask"])
        for name, difference in differences.items():
            print(f"Max abs difference of {name}: {difference:.3g}")
        worst = max(differences.values())
        if not worst <= TOLERANCE:
            raise ValueError(
                f"The converted model does not match the source: a max abs "
                f"difference of {worst:.3g} exceeds {TOLERANCE}. Received: "
                f"{differences}. Nothing was written. Check the activation "
                "and layer norm epsilon of the source's config."
            )

    keras_nlp.conversion.write_preset(loaded, output_dir, overwrite=overwrite)
    print(f"Wrote the preset {output_dir}: {sorted(os.listdir(output_dir))}")
    return loaded


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {argv[1:]}")
    try:
        run(
            FLAGS.source,
            FLAGS.output_dir,
            with_mlm_head=FLAGS.with_mlm_head,
            overwrite=FLAGS.overwrite,
        )
    except ValueError as error:
        sys.exit(f"Error: {error}")


if __name__ == "__main__":
    define_flags()
    flags.mark_flags_as_required(["source", "output_dir"])
    app.run(main)
