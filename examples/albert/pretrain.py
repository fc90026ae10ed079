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

"""Pretrains an ALBERT encoder with a SentencePiece vocabulary.

ALBERT shrinks BERT two ways: the word embeddings are factorized into a
narrow `(vocab_size, embedding_width)` table and a projection to the
hidden size, and one Transformer layer's weights are shared by the whole
depth. This program prints the resulting weight count next to that of a
BERT of the same depth and width, then pretrains a
`keras_nlp.encoders.AlbertEncoder` in a `keras_nlp.models.BertPretrainer`
with masked language modelling and, by default, ALBERT's sentence-order
prediction (through the pretrainer's 2-way next-sentence head: label 1
when the two segments are swapped). The vocabulary is a
SentencePiece model (`--spm_model`, or trained on the corpus first with
the `sentencepiece` package, lower-cased like ALBERT's).

Everything else (the corpus formats, the `tf.data` pipeline, XLA,
distribution strategies, checkpoints and resumption, the NaN guard and the
output preset) is shared with `examples.bert_pretraining.pretrain`; see
its flags. Fine-tune the result with the classification example:

```shell
python -m examples.albert.pretrain
python -m examples.bert_classification.train \
    --preset=/tmp/albert_pretraining/preset --learning_rate=1e-3
```
"""

import os

from examples.common import cli

cli.quiet_tensorflow()

import io  # noqa: E402

from absl import flags  # noqa: E402

import keras_nlp  # noqa: E402
from examples.common import distribution  # noqa: E402
from examples.common import presets  # noqa: E402
from examples.common import pretraining  # noqa: E402

FLAGS = flags.FLAGS

pretraining.define_flags(
    default_output_dir="/tmp/albert_pretraining", pair_task="sentence_order"
)
# `--help` lists the flags of the main module: also the shared ones.
flags.adopt_module_key_flags(pretraining)
flags.adopt_module_key_flags(distribution)
flags.DEFINE_string(
    "spm_model",
    None,
    "Without --preset: the SentencePiece model (spm.model) of the new "
    "encoder. Default: trained on the corpus (see --vocab_size).",
)
flags.DEFINE_integer(
    "embedding_width",
    32,
    "The new encoder's word embedding width (ALBERT's factorization); "
    "ALBERT-Base uses 128 with a hidden size of 768.",
)

# ALBERT's special pieces: `<pad>` and `<unk>` get ids 0 and 1, then these.
SPECIAL_PIECES = ("[CLS]", "[SEP]", "[MASK]")


def train_sentence_piece(documents, vocab_size, path):
    """Trains a SentencePiece model on the corpus lines; writes `path`."""
    import sentencepiece

    lines = (
        line.decode("utf-8")
        for line in pretraining.corpus_lines(documents).as_numpy_iterator()
    )
    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=lines,
        model_writer=model,
        vocab_size=vocab_size,
        # The corpus may hold fewer pieces than asked for.
        hard_vocab_limit=False,
        model_type="unigram",
        # NFKC with case folding: the model lower-cases, as ALBERT does.
        normalization_rule_name="nmt_nfkc_cf",
        pad_id=0,
        unk_id=1,
        bos_id=-1,
        eos_id=-1,
        pad_piece="<pad>",
        unk_piece="<unk>",
        user_defined_symbols=list(SPECIAL_PIECES),
        minloglevel=2,
    )
    with open(path + ".tmp", "wb") as file:
        file.write(model.getvalue())
    os.replace(path + ".tmp", path)


def make_tokenizer(documents, output_dir, vocab_size):
    """The preset's tokenizer, --spm_model's, or one trained on the text."""
    if FLAGS.preset or FLAGS.spm_model:
        return presets.load_tokenizer(
            FLAGS.preset, FLAGS.spm_model, vocab_size=vocab_size
        )
    path = os.path.join(output_dir, "spm.model")
    if not os.path.isfile(path):  # Else: a resumed run reuses it.
        print(
            "Training a SentencePiece model of up to "
            f"{FLAGS.vocab_size} pieces on the corpus."
        )
        train_sentence_piece(documents, FLAGS.vocab_size, path)
    tokenizer = keras_nlp.tokenizers.SentencePieceTokenizer(path)
    print(f"SentencePiece vocabulary: {tokenizer.vocab_size()} pieces.")
    return tokenizer


def make_encoder(tokenizer):
    """A new AlbertEncoder of the flags' size (without --preset)."""
    return presets.new_encoder(
        keras_nlp.encoders.AlbertEncoder,
        tokenizer,
        FLAGS.max_sequence_length or FLAGS.sequence_length,
        embedding_width=FLAGS.embedding_width,
    )


def print_weight_counts(encoder):
    """Prints the encoder's parameter count and a same-sized BERT's."""

    def bert_count(num_layers):
        return keras_nlp.encoders.BertEncoder(
            vocab_size=encoder.vocab_size,
            hidden_size=encoder.hidden_size,
            num_layers=num_layers,
            num_attention_heads=encoder.num_attention_heads,
            inner_dim=encoder.inner_dim,
            max_sequence_length=encoder.max_sequence_length,
            type_vocab_size=encoder.type_vocab_size,
        ).count_params()

    # BERT's layers all have the same size: build at most two of them
    # rather than a whole (possibly huge) BERT.
    one_layer = bert_count(1)
    per_layer = bert_count(2) - one_layer if encoder.num_layers > 1 else 0
    bert = one_layer + (encoder.num_layers - 1) * per_layer
    albert = encoder.count_params()
    print(
        f"{encoder.__class__.__name__} ({encoder.num_layers} layers, hidden "
        f"size {encoder.hidden_size}, embedding width "
        f"{encoder.embedding_width}, vocabulary {encoder.vocab_size}): "
        f"{albert:,} parameters. A BertEncoder of the same depth and "
        f"width: {bert:,} parameters ({bert / albert:.1f}x as many)."
    )


def main(_):
    pretraining.run(
        FLAGS,
        make_tokenizer,
        make_encoder,
        pair_task="sentence_order",
        describe_encoder=print_weight_counts,
    )


if __name__ == "__main__":
    cli.run(main)
