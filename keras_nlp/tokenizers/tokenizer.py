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

"""Private base class of the keras_nlp tokenizers (not exported)."""

import os

import keras
import numpy as np

from keras_nlp.tokenizers.preprocessing_layer import PreprocessingLayer
from keras_nlp.tokenizers.preprocessing_layer import backend_arrays
from keras_nlp.tokenizers.preprocessing_layer import tf
from keras_nlp.tokenizers.preprocessing_layer import to_dense_or_ragged


class Tokenizer(PreprocessingLayer):
    """Base class of the keras_nlp tokenizers: text in, int32 ids out.

    A tokenizer is a Keras layer that maps strings to token ids with
    TensorFlow ops, so that it runs in `tf.data.Dataset.map` under any Keras
    backend and at the head of a Keras model on the TensorFlow backend
    (see `PreprocessingLayer` for what eager calls return on JAX and
    PyTorch). `__call__` is `tokenize`. A subclass sets
    `asset_file_name` (the vocabulary file of a preset directory and of a
    `.keras` file) and implements `_set_vocabulary`, `_tokenize`,
    `_detokenize`, `_special_tokens` and `_write_asset`.

    The vocabulary is not part of `get_config()`: it is stored as an asset
    file when the layer is saved in a `.keras` file, and a layer rebuilt
    with `from_config()` alone has no vocabulary until its assets are
    loaded.

    Args:
        **kwargs: Base layer arguments, such as `name`. `dtype` defaults to
            `"int32"`, the dtype of the token ids.
    """

    # File name of the vocabulary in a preset directory and a `.keras` file.
    asset_file_name = None
    # Constructor arguments that `from_preset` reads from `config.json`.
    preset_settings = ()

    def __init__(self, **kwargs):
        kwargs.setdefault("dtype", "int32")
        super().__init__(**kwargs)
        self._vocabulary = None
        self._token_ids = None
        # Eager calls run in cached `tf.function`s (graphs execute the many
        # small string ops much faster). Kept out of Keras and TensorFlow
        # attribute tracking, so that SavedModel export ignores them.
        object.__setattr__(self, "_eager_functions", {})

    def __call__(self, inputs, *args, **kwargs):
        # Convert Python strings up front: Keras would otherwise inspect
        # every string of a list one by one.
        if isinstance(inputs, (str, bytes, list, tuple, np.ndarray)):
            inputs = _to_string_tensor(inputs, self.__class__.__name__)
        return super().__call__(inputs, *args, **kwargs)

    def call(self, inputs):
        return self.tokenize(inputs)

    def compute_output_spec(self, inputs):
        dtype = keras.backend.standardize_dtype(inputs.dtype)
        if dtype != "string":
            raise TypeError(
                f"{self.__class__.__name__} takes string inputs. "
                f"Received: inputs.dtype={dtype}. Use "
                '`keras.Input(shape=(), dtype="string")` for raw text.'
            )
        if len(inputs.shape) == 0:
            return keras.KerasTensor((None,), dtype="int32")
        return keras.KerasTensor(
            tuple(inputs.shape) + (None,), dtype="int32", ragged=True
        )

    @backend_arrays
    def tokenize(self, inputs):
        """Maps strings to int32 token ids.

        Args:
            inputs: A string, a list of strings, or a string tensor (dense
                or ragged).

        Returns:
            A 1-D int32 tensor for a scalar string; otherwise an int32
            `tf.RaggedTensor` with one more (ragged) dimension than
            `inputs`, e.g. `(batch_size, None)` for a batch of strings.
        """
        self._check_vocabulary()
        inputs = _to_string_tensor(inputs, self.__class__.__name__)
        outputs = self._run("tokenize", self._tokenize_any_rank, inputs)
        # The string ops lose a static batch size (XLA and TPUs need it).
        if inputs.shape.rank:
            outputs = _with_static_batch_size(outputs, inputs.shape[0])
        return outputs

    @backend_arrays
    def tokenize_with_offsets(self, inputs):
        """Maps strings to token ids and the source text of each token.

        Args:
            inputs: A string, a list of strings, or a 1-D string tensor.

        Returns:
            A tuple `(token_ids, start_offsets, end_offsets)`, each of the
            shape `tokenize()` returns: a 1-D tensor for a scalar string,
            a `tf.RaggedTensor` `(batch_size, None)` for a batch. The ids
            are int32 and equal `tokenize(inputs)`; the offsets are int64
            byte offsets into the UTF-8 encoding of each input string, so
            that `text[start:end]` (on the bytes) is the original text a
            token came from: with its original case and accents, without
            the `"##"` of continuation pieces. (For SentencePiece, a piece
            starting with "▁" also spans the whitespace before it, the
            first "▁" of a string is empty, and of the pieces that the
            model's own normalization makes of one character, such as "ﬁ",
            one spans the character and the others are empty, as in
            tensorflow-text.)
        """
        self._check_vocabulary()
        inputs = _to_string_tensor(inputs, self.__class__.__name__)
        if inputs.shape.rank not in (0, 1):
            raise ValueError(
                "`tokenize_with_offsets()` takes a string or a 1-D batch of "
                f"strings. Received: inputs.shape={inputs.shape}. Flatten "
                "the batch first."
            )
        outputs = self._run(
            "tokenize_with_offsets",
            self._tokenize_with_offsets_any_rank,
            inputs,
        )
        if inputs.shape.rank:
            outputs = tuple(
                _with_static_batch_size(x, inputs.shape[0]) for x in outputs
            )
        return outputs

    @backend_arrays
    def detokenize(self, inputs):
        """Maps token ids back to strings.

        Args:
            inputs: Integer token ids: a list, a NumPy array, a dense tensor
                or a `tf.RaggedTensor`, e.g. the output of `tokenize()`.

        Returns:
            A string tensor with one dimension less than `inputs`: a scalar
            string for 1-D ids, a `(batch_size,)` tensor for a batch.
        """
        self._check_vocabulary()
        inputs = _to_id_tensor(inputs, self.__class__.__name__)
        if tf.executing_eagerly():
            ids = (
                inputs.flat_values if hasattr(inputs, "flat_values") else inputs
            )
            ids = ids.numpy()
            bad = ids[(ids < 0) | (ids >= len(self._vocabulary))]
            if bad.size:
                raise ValueError(
                    "Every id passed to `detokenize()` must be in "
                    f"[0, vocab_size) = [0, {len(self._vocabulary)}). "
                    f"Received: out-of-range ids {sorted(set(bad.tolist()))}. "
                    "Pass ids produced by this tokenizer's vocabulary."
                )
        return self._run("detokenize", self._detokenize, inputs)

    def vocab_size(self):
        """Returns the number of tokens in the vocabulary, as an int."""
        self._check_vocabulary()
        return len(self._vocabulary)

    def get_vocabulary(self):
        """Returns the vocabulary as a list of strings, ordered by id."""
        self._check_vocabulary()
        return list(self._vocabulary)

    def id_to_token(self, id):
        """Returns the token (a Python string) of token id `id`."""
        self._check_vocabulary()
        if isinstance(id, tf.Tensor) and tf.executing_eagerly():
            id = id.numpy()
        if (
            isinstance(id, (np.integer, np.ndarray))
            and np.ndim(id) == 0
            and np.issubdtype(np.asarray(id).dtype, np.integer)
        ):
            id = int(id)
        if (
            not isinstance(id, int)
            or isinstance(id, bool)
            or not 0 <= id < len(self._vocabulary)
        ):
            raise ValueError(
                "`id` must be an integer in [0, vocab_size) = "
                f"[0, {len(self._vocabulary)}). Received: id={id!r}"
            )
        return self._vocabulary[id]

    def token_to_id(self, token):
        """Returns the id (a Python int) of the string `token`."""
        self._check_vocabulary()
        if token not in self._token_ids:
            raise ValueError(
                "`token` is not in the vocabulary. "
                f"Received: token={token!r}. Use `get_vocabulary()` to list "
                "the known tokens."
            )
        return self._token_ids[token]

    @property
    def cls_token_id(self):
        """The id of the classification token that starts a sequence."""
        return self._special_token_id("cls_token_id")

    @property
    def sep_token_id(self):
        """The id of the separator token that ends each segment."""
        return self._special_token_id("sep_token_id")

    @property
    def pad_token_id(self):
        """The id of the padding token."""
        return self._special_token_id("pad_token_id")

    @property
    def mask_token_id(self):
        """The id of the mask token of masked language modelling."""
        return self._special_token_id("mask_token_id")

    @property
    def unk_token_id(self):
        """The id of the token that replaces out-of-vocabulary text."""
        return self._special_token_id("unk_token_id")

    def save_assets(self, dir_path):
        if self._vocabulary is not None:
            self._write_asset(os.path.join(dir_path, self.asset_file_name))

    def load_assets(self, dir_path):
        path = os.path.join(dir_path, self.asset_file_name)
        if os.path.exists(path):
            self._set_vocabulary(path)

    def save_to_preset(self, path):
        """Writes the vocabulary into a preset directory; returns the settings.

        `keras_nlp.encoders.BertEncoder.save_to_preset(path,
        tokenizer=tokenizer)` calls this method and stores the returned
        settings under the key `"preprocessor"` of the preset's
        `config.json`, from which `from_preset` rebuilds the same tokenizer.

        Args:
            path: str. The preset directory; created if missing. The
                vocabulary file (`asset_file_name`, e.g. `vocab.txt` or
                `spm.model`) is written into it, replacing any file of that
                name.

        Returns:
            A JSON-ready dict of the tokenizer's settings: the constructor
            arguments that `from_preset` reads, e.g.
            `{"lowercase": True, "strip_accents": None, ...}`.

        Raises:
            ValueError: if the tokenizer has no vocabulary.
        """
        self._check_vocabulary()
        path = os.fspath(path)
        os.makedirs(path, exist_ok=True)
        self._write_asset(os.path.join(path, self.asset_file_name))
        return {name: getattr(self, name) for name in self.preset_settings}

    @classmethod
    def from_preset(cls, preset, **kwargs):
        """Builds the tokenizer of a preset directory or a checkpoint source.

        A keras_nlp preset directory provides the vocabulary file
        (`asset_file_name`) and the tokenizer settings stored under the key
        `"preprocessor"` of its `config.json`, if any (settings that are not
        arguments of this class, such as a packer's `sequence_length`, are
        ignored). An original BERT or ALBERT checkpoint, a Hugging Face
        directory or a TF Hub SavedModel is read by `keras_nlp.conversion`,
        which gives the vocabulary and the text normalization (such as
        lower-casing) the model was trained with. The vocabulary must have
        the encoder's `vocab_size` tokens when that is known.

        Args:
            preset: str. Path of the preset directory, or of a checkpoint
                directory or handle.
            **kwargs: Constructor arguments that override the preset's
                settings, e.g. `name`.

        Returns:
            A tokenizer of this class.

        Raises:
            ValueError: if `preset` holds no vocabulary file for this class
                (or the vocabulary of another tokenizer class), or its
                `config.json` is malformed.
        """
        found = read_preset_vocabulary(preset, (cls.asset_file_name,))
        if found is None:
            preset = os.fspath(preset)
            asset_path = os.path.join(preset, cls.asset_file_name)
            raise ValueError(
                f"`preset` must be a directory holding `{cls.asset_file_name}`"
                f" for {cls.__name__}. Received: preset={preset!r}, in which "
                f"{asset_path!r} does not exist. Pass a keras_nlp preset "
                "directory (see `BertEncoder.save_to_preset`)."
            )
        asset_file_name, vocabulary_file, settings = found
        if asset_file_name != cls.asset_file_name:
            raise ValueError(
                f"The vocabulary of `preset` is a `{asset_file_name}` file, "
                f"which {cls.__name__} does not read (it reads "
                f"`{cls.asset_file_name}`). Received: preset={preset!r} "
                f"holding {vocabulary_file!r}. Load it with the tokenizer "
                f"class that reads `{asset_file_name}`, or with "
                "`keras_nlp.tokenizers.BertPreprocessor.from_preset`, which "
                "picks the class."
            )
        return build_tokenizer(cls, vocabulary_file, settings, **kwargs)

    def _special_tokens(self):
        """Returns a dict: special-token id attribute -> token string."""
        raise NotImplementedError

    def _special_token_id(self, attribute):
        self._check_vocabulary()
        token = self._special_tokens()[attribute]
        if token not in self._token_ids:
            raise ValueError(
                f"The vocabulary has no {token!r} token, so `{attribute}` "
                f"is undefined. Received: a vocabulary of "
                f"{len(self._vocabulary)} tokens without {token!r}. Add "
                f"{token!r} to the vocabulary: BERT input packing and masked "
                "language modelling need it."
            )
        return self._token_ids[token]

    def _check_vocabulary(self):
        if self._vocabulary is None:
            raise ValueError(
                f"This {self.__class__.__name__} has no vocabulary. A "
                "tokenizer rebuilt with `from_config()` gets its vocabulary "
                "from the assets of a `.keras` file. Received: vocabulary="
                "None. Load the whole model with `keras.models.load_model`, "
                "or build the tokenizer with a vocabulary or `from_preset`."
            )

    def _set_token_ids(self, vocabulary):
        """Stores the vocabulary list (or None) and its token -> id map."""
        # Traced functions hold the previous vocabulary's tables.
        self._eager_functions.clear()
        if vocabulary is None:
            self._vocabulary = self._token_ids = None
            return
        self._vocabulary = list(vocabulary)
        self._token_ids = {token: i for i, token in enumerate(vocabulary)}

    def _run(self, name, method, inputs):
        """Runs `method(inputs)`, in a cached `tf.function` when eager."""
        if not tf.executing_eagerly():
            return method(inputs)
        # One function per rank: a function generalized to an unknown rank
        # would lose the static ranks the ops rely on.
        key = (name, inputs.shape.rank, isinstance(inputs, tf.RaggedTensor))
        return run_cached_function(self._eager_functions, key, method, inputs)

    def _tokenize_any_rank(self, inputs):
        if isinstance(inputs, tf.RaggedTensor):
            return inputs.with_flat_values(self._tokenize(inputs.flat_values))
        return self._tokenize(inputs)

    def _tokenize_with_offsets_any_rank(self, inputs):
        if inputs.shape.rank == 0:
            outputs = self._tokenize_with_offsets(inputs[tf.newaxis])
            return tuple(x[0] for x in outputs)
        return self._tokenize_with_offsets(inputs)

    def _tokenize_with_offsets(self, inputs):
        raise NotImplementedError

    def _set_vocabulary(self, vocabulary):
        raise NotImplementedError

    def _write_asset(self, path):
        raise NotImplementedError

    def _tokenize(self, inputs):
        raise NotImplementedError

    def _detokenize(self, inputs):
        raise NotImplementedError


def read_preset_vocabulary(preset, asset_file_names):
    """Finds the vocabulary file and tokenizer settings of `preset`.

    A keras_nlp preset directory (its `config.json` has `"class_name"` and
    `"config"`, or a `"preprocessor"` entry), or a directory holding only a
    vocabulary, is read directly: the first of `asset_file_names` it holds,
    with the settings stored under `"preprocessor"`. Any other checkpoint
    (original BERT or ALBERT, TF Hub SavedModel, Hugging Face) is read by
    `keras_nlp.conversion`, imported here, which gives the vocabulary and
    the normalization the model was trained with. When the encoder's
    `vocab_size` is known, the vocabulary must have that many tokens.

    Args:
        preset: str. A preset directory, or a checkpoint directory or handle.
        asset_file_names: the vocabulary file names to look for in a preset,
            in order, e.g. `("vocab.txt", "spm.model")`.

    Returns:
        `(asset_file_name, vocabulary_file, settings)`, or None when
        `preset` holds none of `asset_file_names` and is no checkpoint.

    Raises:
        ValueError: if the preset's `config.json` is malformed, or the
            vocabulary's size differs from the encoder's `vocab_size`.
    """
    from keras_nlp.encoders import preset as preset_lib
    from keras_nlp.presets import resolve_preset

    preset = resolve_preset(preset)

    preset = os.fspath(preset)
    config = None
    config_path = os.path.join(preset, preset_lib.CONFIG_FILE)
    if os.path.isfile(config_path):
        config = preset_lib.read_json(config_path, fix="Fix or remove it.")
    is_keras_nlp_preset = isinstance(config, dict) and (
        "preprocessor" in config or {"class_name", "config"} <= set(config)
    )
    if is_keras_nlp_preset:
        preset_lib.read_preset_config(preset)  # Refuses unknown keys.
    else:
        from keras_nlp.conversion import loading

        found = loading.read_vocabulary(preset)
        if found is not None:
            name, vocabulary_file, settings, vocab_size = found
            if vocab_size is not None:
                preset_lib.check_vocabulary_size(
                    vocabulary_file, vocab_size, f"the checkpoint {preset!r}"
                )
            return name, vocabulary_file, dict(settings)
    for asset_file_name in asset_file_names:
        asset_path = os.path.join(preset, asset_file_name)
        if not os.path.isfile(asset_path):
            continue
        settings = config.get("preprocessor") if is_keras_nlp_preset else {}
        settings = {} if settings is None else settings
        if not isinstance(settings, dict):
            raise ValueError(
                'The "preprocessor" entry of the preset\'s `config.json` '
                "must be a JSON object of tokenizer settings, e.g. "
                '{"lowercase": true}. '
                f"Received: preprocessor={settings!r}"
            )
        encoder_config = config.get("config") if is_keras_nlp_preset else None
        if isinstance(encoder_config, dict) and "vocab_size" in encoder_config:
            preset_lib.check_vocabulary_size(
                asset_path,
                encoder_config["vocab_size"],
                f"the preset {preset!r}",
            )
        return asset_file_name, asset_path, dict(settings)
    return None


def build_tokenizer(cls, vocabulary, settings, **kwargs):
    """`cls(vocabulary, **settings, **kwargs)`, keeping `cls`'s settings.

    Entries of `settings` that are not in `cls.preset_settings` (such as a
    packer's `sequence_length`) are dropped; `kwargs` override the rest.
    """
    arguments = {
        key: value
        for key, value in settings.items()
        if key in cls.preset_settings
    }
    arguments.update(kwargs)
    return cls(vocabulary, **arguments)


def character_offsets(inputs, normalize_characters):
    """Where each character of `inputs` starts and ends, before and after.

    The text is normalized one character at a time, so that each byte of
    the normalized text comes from one source character.

    Args:
        inputs: a 1-D string tensor.
        normalize_characters: a callable mapping a string `tf.RaggedTensor`
            `[batch_size, (characters)]` holding one character per entry
            (each invalid UTF-8 sequence read as U+FFFD) to the normalized
            text of each, of the same shape.

    Returns:
        A dict of int64 `tf.RaggedTensor`s `[batch_size, (characters)]`:
        `"source_starts"` and `"source_ends"`, the byte span of each
        character in `inputs`, and `"normalized_ends"`, the byte offset in
        the normalized text where each character's normalized text ends.
    """
    code_points, starts = tf.strings.unicode_decode_with_offsets(
        inputs, "UTF-8", errors="replace", replacement_char=0xFFFD
    )
    lengths = tf.strings.length(inputs, unit="BYTE")
    ends = tf.concat(
        [starts[:, 1:], tf.cast(lengths, "int64")[:, tf.newaxis]], axis=1
    )
    characters = code_points.with_flat_values(
        tf.strings.unicode_encode(
            code_points.flat_values[:, tf.newaxis], "UTF-8"
        )
    )
    normalized = normalize_characters(characters)
    sizes = tf.strings.length(normalized.flat_values, unit="BYTE")
    cumulative = tf.math.cumsum(tf.cast(sizes, "int64"))
    # Subtract the total of the previous rows from each row.
    row_offsets = tf.concat([[0], cumulative], axis=0)
    row_offsets = tf.gather(row_offsets, normalized.row_splits[:-1])
    normalized_ends = cumulative - tf.gather(
        row_offsets, normalized.value_rowids()
    )
    return {
        "source_starts": starts,
        "source_ends": ends,
        "normalized_ends": normalized.with_flat_values(normalized_ends),
    }


def check_normalized_length(text, offsets):
    """`text`, after checking it is as long as the character-wise text.

    `text` is the normalization of whole strings, which may differ from the
    character-wise one of `character_offsets` in context-dependent details
    (such as lower-casing a final sigma) that keep the byte count; a
    different count would make the offsets wrong.
    """
    ends = offsets["normalized_ends"]
    last = tf.gather(
        tf.concat([tf.zeros([1], ends.dtype), ends.flat_values], axis=0),
        ends.row_splits[1:],
    )
    length = tf.where(ends.row_lengths() > 0, last, tf.zeros_like(last))
    check = tf.debugging.assert_equal(
        tf.cast(tf.strings.length(text, unit="BYTE"), length.dtype),
        length,
        message="The text normalized string by string and character by "
        "character differ in length, so the offsets of these strings "
        "cannot be computed.",
    )
    with tf.control_dependencies([check]):
        return tf.identity(text)


def to_source_offsets(offsets, starts, ends):
    """Maps byte offsets into normalized text to offsets into the source.

    Args:
        offsets: the dict `character_offsets` returns.
        starts: int64 `tf.RaggedTensor` `[batch_size, (tokens)]`, where each
            token starts in the normalized text.
        ends: the same for where each token ends (exclusive).

    Returns:
        `(starts, ends)` in the source strings: from the start of the source
        character where a token's first byte comes from to the end of the
        one its last byte comes from.
    """
    normalized_ends = offsets["normalized_ends"]
    # At least one column, so that gathers on all-empty batches are valid.
    num_columns = tf.maximum(
        tf.cast(normalized_ends.bounding_shape(axis=1), "int64"), 1
    )
    shape = tf.stack([normalized_ends.nrows(), num_columns])
    boundaries = normalized_ends.to_tensor(
        default_value=normalized_ends.dtype.max, shape=shape
    )
    source_starts = offsets["source_starts"].to_tensor(shape=shape)
    source_ends = offsets["source_ends"].to_tensor(shape=shape)

    def source_character(byte_offsets):
        # The character whose normalized text holds each byte.
        dense = byte_offsets.to_tensor()
        index = tf.searchsorted(
            boundaries, dense, side="right", out_type="int64"
        )
        return tf.minimum(index, num_columns - 1)

    start_index = source_character(starts)
    end_index = source_character(ends - 1)
    new_starts = tf.gather(source_starts, start_index, batch_dims=1)
    new_ends = tf.gather(source_ends, end_index, batch_dims=1)
    # An empty token (SentencePiece's leading "▁") stays empty.
    is_empty = tf.equal(starts.to_tensor(), ends.to_tensor())
    new_ends = tf.where(is_empty, new_starts, new_ends)
    lengths = starts.row_lengths()
    return (
        tf.RaggedTensor.from_tensor(new_starts, lengths=lengths),
        tf.RaggedTensor.from_tensor(new_ends, lengths=lengths),
    )


def run_cached_function(functions, key, method, inputs):
    """`method(inputs)` in the `tf.function` cached as `functions[key]`.

    Eager callers run their many small string and ragged ops as one graph;
    `key` must hold everything the traced function depends on.
    """
    function = functions.get(key)
    if function is None:
        function = tf.function(method, reduce_retracing=True)
        functions[key] = function
    return function(inputs)


def check_case_settings(lowercase, strip_accents):
    """Validates `lowercase` (a bool) and `strip_accents` (a bool or None)."""
    if not isinstance(lowercase, bool):
        raise ValueError(
            f"`lowercase` must be a bool. Received: lowercase={lowercase!r}"
        )
    if strip_accents is not None and not isinstance(strip_accents, bool):
        raise ValueError(
            "`strip_accents` must be a bool or None (strip when "
            f"`lowercase`). Received: strip_accents={strip_accents!r}"
        )


def _with_static_batch_size(outputs, batch_size):
    """Gives ragged `outputs` the static number of rows `batch_size`."""
    if (
        batch_size is None
        or not isinstance(outputs, tf.RaggedTensor)
        or outputs.shape[0] is not None
    ):
        return outputs
    row_splits = tf.ensure_shape(outputs.row_splits, [batch_size + 1])
    return tf.RaggedTensor.from_row_splits(
        outputs.values, row_splits, validate=False
    )


def _to_string_tensor(inputs, class_name):
    """Converts `inputs` to a string `tf.Tensor` or `tf.RaggedTensor`."""
    expected = f"{class_name} takes strings: a str, a list of str or a string"
    inputs = to_dense_or_ragged(inputs, tf.string, f"{expected} tensor.")
    if inputs.dtype != tf.string:
        raise TypeError(
            f"{expected} tensor. Received: inputs.dtype={inputs.dtype.name}. "
            "Pass raw text; to map ids back to text use `detokenize()`."
        )
    return inputs


def _to_id_tensor(inputs, class_name):
    """Converts `inputs` to an int32 `tf.Tensor` or `tf.RaggedTensor`."""
    expected = f"{class_name}.detokenize() takes integer token ids."
    inputs = to_dense_or_ragged(inputs, tf.int32, expected)
    if not inputs.dtype.is_integer:
        raise TypeError(
            f"{expected} Received: inputs.dtype={inputs.dtype.name}. Pass "
            "the output of `tokenize()`."
        )
    return tf.cast(inputs, "int32")


def short_repr(value, limit=80):
    """`repr(value)`, cut to `limit` characters for error messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
