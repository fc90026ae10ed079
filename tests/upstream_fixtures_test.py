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

"""Checkpoints written by the upstream tools load and match their outputs.

Every directory under `tests/fixtures/` was written by the software that
writes such checkpoints in the wild (TF Model Garden's TF Hub exporter,
google-research's BERT and ALBERT code, `transformers`' `save_pretrained`),
with that software's own outputs on fixed inputs in `reference_outputs.npz`;
see `tests/fixtures/README.md` and `tools/fixtures/`. Each fixture is loaded
through `from_preset`, through `keras_nlp.conversion` with its pretraining
heads, and through the conversion command line, and must reproduce the
producer's outputs: sequence and pooled outputs within 1e-5 on the real
(non-padded) tokens, masked LM and next-sentence logits within 1e-4, token
ids exactly.

Each source is loaded once per module (module-scoped fixtures). A load that
raises is recorded and re-raised by every test that uses it, so each test
fails with the loader's own message.
"""

import os
import subprocess
import sys

import keras
import numpy as np
import pytest

import keras_nlp
import keras_nlp.conversion

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES_DIR = os.path.join(REPO_ROOT, "tests", "fixtures")
SCRIPT = os.path.join(
    REPO_ROOT, "tools", "checkpoint_conversion", "convert_checkpoint.py"
)

SEQUENCE_ATOL = 1e-5
LOGITS_ATOL = 1e-4
INPUT_NAMES = ("input_word_ids", "input_mask", "input_type_ids")

BERT = keras_nlp.encoders.BertEncoder
ALBERT = keras_nlp.encoders.AlbertEncoder

# Fixture name -> encoder class.
ENCODERS = {
    "tfhub_bert": BERT,
    "tfhub_bert_mlm": BERT,
    "tfhub_albert": ALBERT,
    "tfhub_albert_mlm": ALBERT,
    "tf1_bert": BERT,
    "tf1_albert": ALBERT,
    "hf_bert_gelu": BERT,
    "hf_bert_gelu_new": BERT,
    "hf_albert": ALBERT,
}
# Fixture name -> whether it has a next-sentence (or sentence-order) head
# besides its masked LM head.
HEADS = {
    "tfhub_bert_mlm": False,
    "tfhub_albert_mlm": False,
    "tf1_bert": True,
    "tf1_albert": True,
    "hf_bert_gelu": True,
    "hf_bert_gelu_new": True,
    "hf_albert": True,
}
# Tokenizer source -> the fixture holding the producer's tokenizer outputs
# it must reproduce: a TF Hub preprocessing model's `tokenize`,
# `bert_pack_inputs` and default call, or for the TF1 checkpoints the
# repository's `FullTokenizer` and fine-tuning `convert_single_example`. A
# TF Hub encoder carries the vocabulary (and for BERT the `do_lower_case`
# flag) its preprocessing model was exported with.
TOKENIZERS = {
    "tfhub_bert_preprocess": "tfhub_bert_preprocess",
    "tfhub_albert_preprocess": "tfhub_albert_preprocess",
    "tfhub_bert": "tfhub_bert_preprocess",
    "tfhub_albert": "tfhub_albert_preprocess",
    "tf1_bert": "tf1_bert",
    "tf1_albert": "tf1_albert",
}
HF_TOKENIZERS = ("hf_bert_gelu", "hf_albert")


class _Outcome:
    """The result of a load, or the exception it raised (re-raised later)."""

    def __init__(self, function):
        self.value, self.error = None, None
        try:
            self.value = function()
        except Exception as error:  # noqa: BLE001 (re-raised by get()).
            self.error = error

    def get(self):
        if self.error is not None:
            raise self.error
        return self.value


def _path(name):
    return os.path.join(FIXTURES_DIR, name)


def _references(name):
    with np.load(
        os.path.join(_path(name), "reference_outputs.npz"), allow_pickle=False
    ) as stored:
        return {key: stored[key] for key in stored.files}


def _numpy(value):
    return np.asarray(keras.ops.convert_to_numpy(value))


def _run_encoder(encoder, references):
    outputs = encoder({name: references[name] for name in INPUT_NAMES})
    return {key: value for key, value in outputs.items()}


def _assert_encoder_matches(encoder, name):
    references = _references(name)
    outputs = _run_encoder(encoder, references)
    real = references["input_mask"].astype(bool)
    np.testing.assert_allclose(
        _numpy(outputs["sequence_output"])[real],
        references["sequence_output"][real],
        atol=SEQUENCE_ATOL,
        rtol=0,
        err_msg=f"sequence_output of {name} on the real tokens",
    )
    np.testing.assert_allclose(
        _numpy(outputs["pooled_output"]),
        references["pooled_output"],
        atol=SEQUENCE_ATOL,
        rtol=0,
        err_msg=f"pooled_output of {name}",
    )
    layers = outputs["encoder_outputs"]
    assert len(layers) == len(references["encoder_outputs"])
    for index, (actual, expected) in enumerate(
        zip(layers, references["encoder_outputs"])
    ):
        np.testing.assert_allclose(
            _numpy(actual)[real],
            expected[real],
            atol=SEQUENCE_ATOL,
            rtol=0,
            err_msg=f"encoder_outputs[{index}] of {name} on the real tokens",
        )


def _assert_heads_match(encoder, heads, name):
    masked_lm, next_sentence = heads
    references = _references(name)
    outputs = _run_encoder(encoder, references)
    assert masked_lm is not None, f"{name} has a masked LM head"
    logits = masked_lm(
        outputs["sequence_output"], references["masked_lm_positions"]
    )
    np.testing.assert_allclose(
        _numpy(logits),
        references["mlm_logits"],
        atol=LOGITS_ATOL,
        rtol=0,
        err_msg=f"masked LM logits of {name}",
    )
    if not HEADS[name]:
        assert next_sentence is None, f"{name} has no next-sentence head"
        return
    assert next_sentence is not None, f"{name} has a next-sentence head"
    np.testing.assert_allclose(
        _numpy(next_sentence(outputs["pooled_output"])),
        references["nsp_logits"],
        atol=LOGITS_ATOL,
        rtol=0,
        err_msg=f"next-sentence logits of {name}",
    )


def _run_cli(name, output_dir):
    command = [
        sys.executable,
        SCRIPT,
        f"--source={_path(name)}",
        f"--output_dir={output_dir}",
    ]
    if name in HEADS:
        command.append("--with_mlm_head")
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        [REPO_ROOT] + [p for p in [environment.get("PYTHONPATH")] if p]
    )
    result = subprocess.run(
        command,
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"convert_checkpoint.py exited {result.returncode} on {name}:\n"
            + result.stderr[-3000:]
        )
    return output_dir


def _ragged_rows(references, prefix):
    """Per-sentence flat token ids of a stored ragged tensor."""
    values = references[prefix + "_values"]
    depth = 0
    splits = []
    while f"{prefix}_row_splits_{depth}" in references:
        splits.append(references[f"{prefix}_row_splits_{depth}"])
        depth += 1
    rows = []
    for row in range(len(splits[0]) - 1):
        start, stop = splits[0][row], splits[0][row + 1]
        for inner in splits[1:]:
            start, stop = inner[start], inner[stop]
        rows.append(values[start:stop].tolist())
    return rows


def _flatten_row(row):
    if isinstance(row, list):
        return [item for element in row for item in _flatten_row(element)]
    return [int(row)]


def _as_lists(tokens):
    if hasattr(tokens, "to_list"):
        return [_flatten_row(row) for row in tokens.to_list()]
    return [_flatten_row(row) for row in _numpy(tokens).tolist()]


# Module-scoped fixtures: each source is loaded once.


@pytest.fixture(scope="module")
def from_preset_encoder(request):
    name = request.param
    return _Outcome(lambda: ENCODERS[name].from_preset(_path(name)))


@pytest.fixture(scope="module")
def converted_with_heads(request, tmp_path_factory):
    name = request.param

    def convert():
        output_dir = str(tmp_path_factory.mktemp(name) / "preset")
        keras_nlp.conversion.convert_to_preset(
            _path(name), output_dir, with_mlm_head=True
        )
        loaded = keras_nlp.conversion.load_checkpoint(
            output_dir, with_mlm_head=True
        )
        return loaded.encoder, (loaded.masked_lm, loaded.next_sentence)

    return _Outcome(convert)


@pytest.fixture(scope="module")
def cli_preset(request, tmp_path_factory):
    name = request.param
    return _Outcome(
        lambda: _run_cli(name, str(tmp_path_factory.mktemp(name) / "preset"))
    )


@pytest.fixture(scope="module")
def preprocessor(request):
    name = request.param
    return _Outcome(
        lambda: keras_nlp.tokenizers.BertPreprocessor.from_preset(
            _path(name), sequence_length=16
        )
    )


# Encoders.


@pytest.mark.parametrize("from_preset_encoder", sorted(ENCODERS), indirect=True)
def test_from_preset_matches_producer(from_preset_encoder, request):
    name = request.node.callspec.params["from_preset_encoder"]
    encoder = from_preset_encoder.get()
    assert isinstance(encoder, ENCODERS[name])
    _assert_encoder_matches(encoder, name)


@pytest.mark.parametrize("converted_with_heads", sorted(HEADS), indirect=True)
def test_converted_encoder_matches_producer(converted_with_heads, request):
    name = request.node.callspec.params["converted_with_heads"]
    encoder, _ = converted_with_heads.get()
    _assert_encoder_matches(encoder, name)


@pytest.mark.parametrize("converted_with_heads", sorted(HEADS), indirect=True)
def test_pretraining_heads_match_producer(converted_with_heads, request):
    name = request.node.callspec.params["converted_with_heads"]
    encoder, heads = converted_with_heads.get()
    _assert_heads_match(encoder, heads, name)


@pytest.mark.large
@pytest.mark.parametrize("cli_preset", sorted(ENCODERS), indirect=True)
def test_command_line_encoder_matches_producer(cli_preset, request):
    name = request.node.callspec.params["cli_preset"]
    output_dir = cli_preset.get()
    encoder = ENCODERS[name].from_preset(output_dir)
    _assert_encoder_matches(encoder, name)


@pytest.mark.large
@pytest.mark.parametrize("cli_preset", sorted(HEADS), indirect=True)
def test_command_line_heads_match_producer(cli_preset, request):
    name = request.node.callspec.params["cli_preset"]
    output_dir = cli_preset.get()
    encoder = ENCODERS[name].from_preset(output_dir)
    loaded = keras_nlp.conversion.load_checkpoint(
        output_dir, with_mlm_head=True
    )
    encoder, heads = loaded.encoder, (loaded.masked_lm, loaded.next_sentence)
    _assert_heads_match(encoder, heads, name)


# Tokenizers.


@pytest.mark.parametrize("preprocessor", sorted(TOKENIZERS), indirect=True)
def test_tokenize_matches_producer(preprocessor, request):
    name = request.node.callspec.params["preprocessor"]
    references = _references(TOKENIZERS[name])
    layer = preprocessor.get()
    sentences = [str(s) for s in references["sentences"]]
    # TF Hub's `tokenize` is (batch, words, pieces) for WordPiece and
    # (batch, pieces) for SentencePiece, `FullTokenizer`'s a flat list per
    # sentence; the ids per sentence must agree.
    assert _as_lists(layer.tokenizer(sentences)) == _ragged_rows(
        references, "tokenize"
    )


@pytest.mark.parametrize("preprocessor", sorted(TOKENIZERS), indirect=True)
def test_packed_pairs_match_producer(preprocessor, request):
    name = request.node.callspec.params["preprocessor"]
    references = _references(TOKENIZERS[name])
    layer = preprocessor.get()
    first = [str(s) for s in references["sentences"]]
    second = first[1:] + first[:1]
    outputs = layer((first, second))
    for key in INPUT_NAMES:
        np.testing.assert_array_equal(
            _numpy(outputs[key]),
            references["pack_" + key],
            err_msg=f"{key} of the sentence pairs from {name}",
        )


@pytest.mark.parametrize("preprocessor", sorted(TOKENIZERS), indirect=True)
def test_single_segments_match_producer(preprocessor, request):
    name = request.node.callspec.params["preprocessor"]
    references = _references(TOKENIZERS[name])
    layer = preprocessor.get()
    outputs = layer([str(s) for s in references["sentences"]])
    for key in INPUT_NAMES:
        np.testing.assert_array_equal(
            _numpy(outputs[key]),
            references["call_" + key],
            err_msg=f"{key} of the sentences from {name}",
        )


@pytest.mark.parametrize("preprocessor", HF_TOKENIZERS, indirect=True)
def test_preprocessor_matches_hugging_face_tokenizer(preprocessor, request):
    name = request.node.callspec.params["preprocessor"]
    references = _references(name)
    layer = preprocessor.get()
    outputs = layer([str(s) for s in references["sentences"]])
    pairs = {
        "input_word_ids": "tokenizer_input_ids",
        "input_mask": "tokenizer_attention_mask",
        "input_type_ids": "tokenizer_token_type_ids",
    }
    for key, reference_key in pairs.items():
        np.testing.assert_array_equal(
            _numpy(outputs[key]),
            references[reference_key],
            err_msg=f"{key} of the sentences from {name}",
        )
