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

"""Pretrains a BERT encoder with masked language modelling (and NSP).

Reads a corpus (text files in the original BERT format, or a TFDS text
dataset), learns a WordPiece vocabulary from it unless one is given, and
trains a `keras_nlp.encoders.BertEncoder` in a
`keras_nlp.models.BertPretrainer`: a masked-LM head tied to the word
embeddings and, by default, a next-sentence head.
Tokenization, packing, next-sentence pairs and dynamic masking run in
`tf.data` on the host with static shapes; the training step is compiled
with XLA; any `tf.distribute` strategy works (`--distribution_strategy`).

The run checkpoints every `--steps_per_epoch` steps to
`<output_dir>/backup`, the last two checkpoints named with their checksums
by the manifest `<output_dir>/progress.json` (see
`examples/common/checkpointing.py`): run the same command again after a
preemption and it resumes from the last intact checkpoint and ends at
exactly `--num_train_steps`.
A NaN loss stops training and keeps the last good checkpoint. At the end
it writes the keras_nlp preset `<output_dir>/preset` (encoder weights,
config, `vocab.txt` and the pretraining heads), which
`examples.bert_classification.train --preset=...` fine-tunes and
`--preset=...` here pretrains further, heads included.

Usage (from the repository root):

```shell
python -m examples.bert_pretraining.pretrain
python -m examples.bert_pretraining.pretrain --input='/data/wiki/*.txt' \
    --vocab_size=30522 --hidden_size=768 --num_layers=12 \
    --num_attention_heads=12 --inner_dim=3072 --sequence_length=128 \
    --max_predictions_per_seq=20 --batch_size=256 \
    --num_train_steps=1000000 --steps_per_epoch=10000 \
    --learning_rate=1e-4 --warmup_fraction=0.01 \
    --distribution_strategy=tpu --tpu=my-tpu --output_dir=gs://bucket/bert
```
"""

import os

from examples.common import cli

cli.quiet_tensorflow()

from absl import flags  # noqa: E402

import keras_nlp  # noqa: E402
from examples.common import distribution  # noqa: E402
from examples.common import presets  # noqa: E402
from examples.common import pretraining  # noqa: E402

FLAGS = flags.FLAGS

pretraining.define_flags(default_output_dir="/tmp/bert_pretraining")
# `--help` lists the flags of the main module: also the shared ones.
flags.adopt_module_key_flags(pretraining)
flags.adopt_module_key_flags(distribution)
flags.DEFINE_bool(
    "lowercase",
    True,
    "Whether the WordPiece tokenizer lower-cases (uncased BERT). Ignored "
    "with --preset, which brings its own setting.",
)


def make_tokenizer(documents, output_dir, vocab_size):
    """The preset's tokenizer, --vocab_file's, or one learned from text."""
    if FLAGS.preset or FLAGS.vocab_file:
        return presets.load_tokenizer(
            FLAGS.preset, FLAGS.vocab_file, FLAGS.lowercase, vocab_size
        )
    path = os.path.join(output_dir, "vocab.txt")
    if not os.path.isfile(path):  # Else: a resumed run reuses it.
        print(f"Learning a {FLAGS.vocab_size}-token WordPiece vocabulary.")
        keras_nlp.tokenizers.compute_word_piece_vocabulary(
            pretraining.corpus_lines(documents).batch(1024),
            vocab_size=FLAGS.vocab_size,
            lowercase=FLAGS.lowercase,
            vocabulary_output_file=path + ".tmp",
        )
        os.replace(path + ".tmp", path)
    return keras_nlp.tokenizers.WordPieceTokenizer(
        path, lowercase=FLAGS.lowercase
    )


def make_encoder(tokenizer):
    """A new BertEncoder of the flags' size (without --preset)."""
    return presets.new_encoder(
        keras_nlp.encoders.BertEncoder,
        tokenizer,
        FLAGS.max_sequence_length or FLAGS.sequence_length,
    )


def main(_):
    pretraining.run(FLAGS, make_tokenizer, make_encoder)


if __name__ == "__main__":
    cli.run(main)
