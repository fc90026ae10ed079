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
        [--overwrite] [--noverify]

The source may be an original google-research BERT or ALBERT checkpoint
(its directory or its `bert_model.ckpt` prefix), a TF Hub SavedModel or
handle, a Hugging Face BERT or ALBERT directory (safetensors) or a keras_nlp
preset; its format is recognized from its files. The script prints how many
source arrays were loaded and how many were skipped by which rule.

Unless `--noverify`, the source is then run on probe inputs and the
conversion fails (writing nothing) if the outputs differ by more than 1e-4:
this executes the source's code, the SavedModel's functions in this
process, or the `transformers` model in a subprocess of `--reference_python`
(torch never runs in the TensorFlow process). A TF1 checkpoint holds no
code, so it has nothing to compare with. Any error prints one
`Error: ...` message and exits with status 2.
"""

import os
import sys

from absl import app
from absl import flags

import keras_nlp

FLAGS = flags.FLAGS


def define_flags(flag_values=FLAGS):
    flags.DEFINE_string(
        "source",
        None,
        "The checkpoint (directory, prefix or TF Hub handle) to convert.",
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
        "Replace a non-empty --output_dir as a whole.",
        flag_values=flag_values,
    )
    flags.DEFINE_bool(
        "verify",
        True,
        "Run the source (this executes its code) and compare its outputs "
        "with the conversion's before writing.",
        flag_values=flag_values,
    )
    flags.DEFINE_string(
        "reference_python",
        None,
        "The Python interpreter with `transformers` and `torch` that runs a "
        "Hugging Face source for the comparison. Defaults to this one.",
        flag_values=flag_values,
    )


def run(
    source,
    output_dir,
    with_mlm_head=False,
    overwrite=False,
    verify=True,
    reference_python=None,
):
    """Converts `source` into the preset `output_dir`, printing a report.

    Raises:
        ValueError: if `output_dir` is not empty and `overwrite` is False,
            the source cannot be loaded, or (with `verify`) its outputs and
            the conversion's differ by more than 1e-4.
    """
    if reference_python:
        os.environ["KERAS_NLP_REFERENCE_PYTHON"] = reference_python
    print(f"Source: {source}")
    arguments = dict(with_mlm_head=with_mlm_head, overwrite=overwrite)
    try:
        loaded = keras_nlp.conversion.convert_to_preset(
            source, output_dir, verify=verify, **arguments
        )
    except ImportError as error:
        if not verify:
            raise
        print(f"Skipping the comparison with the source: {error}")
        loaded = keras_nlp.conversion.convert_to_preset(
            source, output_dir, verify=False, **arguments
        )
    print(f"Format: {loaded.source_format}")
    print(f"Model: {loaded.encoder.__class__.__name__}")
    print(loaded.summary_text)
    for note in loaded.notes:
        print(f"Note: {note}")
    if loaded.differences:
        for name, difference in loaded.differences.items():
            print(f"Max abs difference of {name}: {difference:.3g}")
    elif verify:
        print(
            "No comparison: the source holds no code to run "
            f"(a {loaded.source_format})."
        )
    output_dir = os.path.abspath(output_dir)
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
            verify=FLAGS.verify,
            reference_python=FLAGS.reference_python,
        )
    except (ValueError, TypeError, ImportError, OSError) as error:
        print(f"Error: {error}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    define_flags()
    flags.mark_flags_as_required(["source", "output_dir"])
    app.run(main)
