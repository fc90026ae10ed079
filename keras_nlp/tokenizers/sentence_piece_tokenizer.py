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

"""SentencePiece tokenizer (ALBERT's) on tensorflow-text."""

import os

import keras
import tensorflow as tf

from keras_nlp.tokenizers.tokenizer import Tokenizer

try:
    import tensorflow_text as tf_text
except ImportError:
    tf_text = None


@keras.saving.register_keras_serializable(package="keras_nlp")
class SentencePieceTokenizer(Tokenizer):
    """A SentencePiece tokenizer: strings to int32 ids with a trained model.

    SentencePiece is the subword tokenizer of ALBERT: it splits raw text
    (whitespace included, written as "▁") into the pieces of a model
    trained with the `sentencepiece` library, and produces the same ids as
    that library's `encode` (up to the rare exact ties between equally
    likely segmentations of a unigram model, which the SentencePiece build
    inside tensorflow-text may break differently from a newer
    `sentencepiece` package). Invalid UTF-8 bytes never raise: SentencePiece
    maps them to its unknown piece. The special-token ids are looked up by
    their ALBERT names: `"[CLS]"`, `"[SEP]"`, `"<pad>"`, `"[MASK]"` and
    `"<unk>"`.

    The tokenizer is a Keras layer: it runs in `tf.data.Dataset.map` and at
    the head of a Keras model that takes raw strings. Saved in a `.keras`
    file, the model proto travels with the model as the asset `spm.model`;
    it is not part of `get_config()`.

    Reference:
        [Kudo and Richardson, 2018](https://arxiv.org/abs/1808.06226)

    Args:
        proto: str or bytes. The path of a SentencePiece model file
            (`spm.model`) or the serialized model proto itself. `None` only
            when the layer is rebuilt from a config (the model then comes
            from the assets of a `.keras` file).
        **kwargs: Base layer arguments, such as `name`.

    Call arguments:
        inputs: A string, a list of strings or a string tensor.

    Input shape:
        `()` (one string) or `(batch_size,)`.

    Output shape:
        `(num_tokens,)` for one string; a `tf.RaggedTensor` of shape
        `(batch_size, None)` for a batch.

    Example:

    ```python
    import io
    import sentencepiece

    # Train a tiny model (real ones come with the checkpoint as spm.model).
    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(["the quick brown fox", "the lazy dog"]),
        model_writer=model,
        vocab_size=30,
        hard_vocab_limit=False,
        pad_id=0,
        unk_id=1,
        bos_id=-1,
        eos_id=-1,
        user_defined_symbols=["[CLS]", "[SEP]", "[MASK]"],
        minloglevel=2,
    )
    tokenizer = keras_nlp.tokenizers.SentencePieceTokenizer(model.getvalue())
    ids = tokenizer(["the quick fox", "the dog"])  # Ragged int32 ids.
    tokenizer.detokenize(ids)  # ["the quick fox", "the dog"]
    tokenizer.cls_token_id  # 2
    ```
    """

    asset_file_name = "spm.model"

    def __init__(self, proto, **kwargs):
        if tf_text is None:
            raise ImportError(
                "SentencePieceTokenizer requires tensorflow-text. Install it "
                "with: pip install tensorflow-text"
            )
        super().__init__(**kwargs)
        self._set_vocabulary(proto)

    def get_config(self):
        config = super().get_config()
        # The model proto is an asset, not part of the config.
        config["proto"] = None
        return config

    def _special_tokens(self):
        return {
            "cls_token_id": "[CLS]",
            "sep_token_id": "[SEP]",
            "pad_token_id": "<pad>",
            "mask_token_id": "[MASK]",
            "unk_token_id": "<unk>",
        }

    def _set_vocabulary(self, proto):
        if proto is None:
            self._set_token_ids(None)
            self._proto = None
            return
        if isinstance(proto, (str, os.PathLike)):
            path = os.fspath(proto)
            if not os.path.isfile(path):
                raise ValueError(
                    "`proto` must be the path of a SentencePiece model file "
                    f"or the serialized model. Received: proto={path!r}, "
                    "which is not a file. Check the path."
                )
            with open(path, "rb") as model_file:
                proto = model_file.read()
            source = f"file {path!r}"
        elif isinstance(proto, bytes):
            source = "bytes"
        else:
            raise ValueError(
                "`proto` must be the path of a SentencePiece model file or "
                "the serialized model (bytes). Received: proto of type "
                f"{type(proto).__name__}."
            )
        if not proto:
            raise ValueError(
                f"`proto` is empty. Received: an empty SentencePiece model "
                f"{source}. Pass the `spm.model` file that came with the "
                "checkpoint."
            )
        with tf.init_scope():
            try:
                sentence_piece = tf_text.SentencepieceTokenizer(
                    model=proto, out_type=tf.int32
                )
                size = int(sentence_piece.vocab_size())
                pieces = sentence_piece.id_to_string(tf.range(size)).numpy()
            except (tf.errors.OpError, ValueError):
                raise ValueError(
                    "`proto` is not a valid SentencePiece model: SentencePiece"
                    f" cannot parse it. Received: proto from {source} of "
                    f"{len(proto)} bytes. Pass a model file written by the "
                    "`sentencepiece` trainer."
                ) from None
        self._proto = proto
        self._set_token_ids([piece.decode("utf-8") for piece in pieces])

    def _write_asset(self, path):
        with open(path, "wb") as model_file:
            model_file.write(self._proto)

    def _tokenize(self, inputs):
        return self._sentence_piece_op().tokenize(inputs)

    def _detokenize(self, inputs):
        return self._sentence_piece_op().detokenize(inputs)

    def _sentence_piece_op(self):
        # tensorflow-text's SentencePiece model lives in its op's kernel,
        # which `tf.random.set_seed` (and `keras.utils.set_random_seed`)
        # destroys in eager mode by clearing the kernel cache. A fresh
        # wrapper per call finds the cached kernel (cheap) or rebuilds it;
        # in a `tf.function` or `tf.data` graph the model op is part of the
        # graph.
        return tf_text.SentencepieceTokenizer(
            model=self._proto, out_type=tf.int32
        )
