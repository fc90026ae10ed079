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

"""Tests of `resolve_preset` against a local HTTP server on 127.0.0.1."""

import dataclasses
import hashlib
import http.server
import io
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import zipfile
from unittest import mock

import pytest

from keras_nlp.encoders.albert_encoder import AlbertEncoder
from keras_nlp.encoders.bert_encoder import BertEncoder
from keras_nlp.presets import resolver
from keras_nlp.presets import table
from keras_nlp.testing import checkpoints
from keras_nlp.testing import numpy_bert
from keras_nlp.testing.test_case import TestCase
from keras_nlp.tokenizers.word_piece_tokenizer import WordPieceTokenizer


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves `server.files[path]`; `server.short[path]` bytes are withheld."""

    def do_GET(self):
        self.server.requests.append(self.path)
        body = self.server.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(
            body[: len(body) - self.server.short.get(self.path, 0)]
        )

    def log_message(self, *args):
        pass


def _zip(directory, prefix=""):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(os.listdir(directory)):
            archive.write(os.path.join(directory, name), prefix + name)
    return buffer.getvalue()


def _tar_gz(directory, prefix):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        archive.add(directory, arcname=prefix)
    return buffer.getvalue()


def _reference(arrays, family, config, inputs):
    return numpy_bert.bert_forward(
        checkpoints.reference_from_original(
            arrays, family, config["num_layers"]
        ),
        inputs["input_word_ids"],
        inputs["input_mask"],
        inputs["input_type_ids"],
        num_heads=config["num_attention_heads"],
        # The original `gelu` is the tanh approximation.
        activation="gelu_approximate",
        num_layers=config["num_layers"],
    )


_RESOLVE_IN_SUBPROCESS = """
import sys
from unittest import mock
from keras_nlp.presets import resolver, table
preset = table.bert_preset("test_bert", "", sys.argv[1], True, "")
with mock.patch.dict(table.PRESETS, {"test_bert": preset}):
    print(resolver.resolve_preset("test_bert", cache_dir=sys.argv[2]))
"""


class ResolvePresetTest(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.root = tempfile.mkdtemp(prefix="resolver_test_")
        cls.arrays = {
            "bert": checkpoints.original_arrays("bert", checkpoints.TINY_BERT),
            "albert": checkpoints.original_arrays(
                "albert", checkpoints.TINY_ALBERT, seed=1
            ),
        }
        bert_dir = checkpoints.write_original_directory(
            os.path.join(cls.root, "bert"),
            "bert",
            checkpoints.TINY_BERT,
            cls.arrays["bert"],
        )
        albert_dir = checkpoints.write_original_directory(
            os.path.join(cls.root, "albert"),
            "albert",
            checkpoints.TINY_ALBERT,
            cls.arrays["albert"],
        )
        bert_zip = _zip(bert_dir)
        no_vocab = os.path.join(cls.root, "no_vocab")
        shutil.copytree(bert_dir, no_vocab)
        os.remove(os.path.join(no_vocab, "vocab.txt"))
        no_data = os.path.join(cls.root, "no_data")
        shutil.copytree(bert_dir, no_data)
        for name in os.listdir(no_data):
            if ".data-" in name:
                os.remove(os.path.join(no_data, name))
        cls.files = {
            # Small-BERT layout: the files at the archive's root.
            "/tiny_bert.zip": bert_zip,
            # ALBERT layout: one directory.
            "/tiny_albert.tar.gz": _tar_gz(albert_dir, "albert_base"),
            "/truncated.zip": bert_zip[: len(bert_zip) // 2],
            "/no_vocab.zip": _zip(no_vocab, prefix="tiny_bert/"),
            "/no_data.zip": _zip(no_data),
        }
        cls.bert_sha256 = hashlib.sha256(bert_zip).hexdigest()
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        cls.server.files = cls.files
        cls.server.short = {}
        cls.server.requests = []
        cls.thread = threading.Thread(
            target=cls.server.serve_forever, daemon=True
        )
        cls.thread.start()
        cls.base_url = f"http://127.0.0.1:{cls.server.server_address[1]}"

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()
        cls.thread.join()
        shutil.rmtree(cls.root, ignore_errors=True)
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.cache_dir = self.get_temp_dir()
        self.server.requests.clear()
        self.server.short.clear()

    def _bert(self, name, path, **kwargs):
        kwargs.setdefault("lowercase", True)
        kwargs.setdefault("directory", "")
        return table.bert_preset(
            name, "A test BERT.", self.base_url + path, **kwargs
        )

    def _resolve(self, preset, **kwargs):
        with mock.patch.dict(table.PRESETS, {preset.name: preset}):
            return resolver.resolve_preset(
                preset.name, cache_dir=self.cache_dir, **kwargs
            )

    def _assert_nothing_cached(self, name):
        leftovers = [
            os.path.relpath(os.path.join(parent, entry), self.cache_dir)
            for parent, directories, files in os.walk(self.cache_dir)
            for entry in directories + files
        ]
        self.assertEqual(
            [entry for entry in leftovers if entry != "downloads"], []
        )
        self.assertFalse(os.path.exists(os.path.join(self.cache_dir, name)))

    def test_downloads_converts_and_caches_once(self):
        # Cased in the table, though the vocabulary has no upper case.
        preset = self._bert(
            "test_bert", "/tiny_bert.zip", lowercase=False, sha256=None
        )
        path = self._resolve(preset)
        self.assertEqual(path, os.path.join(self.cache_dir, "test_bert"))
        self.assertEqual(self.server.requests, ["/tiny_bert.zip"])

        encoder = BertEncoder.from_preset(path)
        inputs = checkpoints.random_inputs(checkpoints.TINY_BERT)
        expected = _reference(
            self.arrays["bert"], "bert", checkpoints.TINY_BERT, inputs
        )
        outputs = encoder(inputs)
        for key in ("sequence_output", "pooled_output"):
            self.assertAllClose(outputs[key], expected[key], atol=1e-5)
        tokenizer = WordPieceTokenizer.from_preset(path)
        self.assertFalse(tokenizer.lowercase)
        with open(os.path.join(path, "config.json")) as file:
            metadata = json.load(file)
        self.assertIn("pretraining_heads", metadata)
        self.assertEqual(
            metadata["source"]["path"], self.base_url + "/tiny_bert.zip"
        )
        self.assertEqual(metadata["source"]["sha256"], self.bert_sha256)
        # Only the preset stays: no archive, no temporary directory.
        self.assertEqual(
            sorted(os.listdir(self.cache_dir)), ["downloads", "test_bert"]
        )
        self.assertEqual(
            os.listdir(os.path.join(self.cache_dir, "downloads")), []
        )

        self.assertEqual(self._resolve(preset), path)
        self.assertEqual(self.server.requests, ["/tiny_bert.zip"])

    def test_albert_tar_gz_with_a_directory(self):
        preset = table.albert_preset(
            "test_albert",
            "A test ALBERT.",
            self.base_url + "/tiny_albert.tar.gz",
            directory="albert_base",
        )
        encoder = AlbertEncoder.from_preset(self._resolve(preset))
        inputs = checkpoints.random_inputs(checkpoints.TINY_ALBERT)
        expected = _reference(
            self.arrays["albert"], "albert", checkpoints.TINY_ALBERT, inputs
        )
        outputs = encoder(inputs)
        self.assertAllClose(
            outputs["sequence_output"], expected["sequence_output"], atol=1e-5
        )

    def test_matching_sha256_is_accepted(self):
        preset = self._bert(
            "test_bert", "/tiny_bert.zip", sha256=self.bert_sha256.upper()
        )
        self.assertTrue(os.path.isdir(self._resolve(preset)))

    def test_wrong_sha256_is_refused_and_nothing_cached(self):
        preset = self._bert("test_bert", "/tiny_bert.zip", sha256="0" * 64)
        with self.assertRaisesRegex(ValueError, "SHA-256 " + self.bert_sha256):
            self._resolve(preset)
        self._assert_nothing_cached("test_bert")

    def test_truncated_archive_is_refused_and_downloaded_again(self):
        preset = self._bert("test_bert", "/truncated.zip")
        for attempt in (1, 2):
            with self.assertRaisesRegex(ValueError, "not a valid zip file"):
                self._resolve(preset)
            self._assert_nothing_cached("test_bert")
            self.assertEqual(len(self.server.requests), attempt)

    def test_connection_closed_early_is_refused(self):
        self.server.short["/tiny_bert.zip"] = 100
        preset = self._bert("test_bert", "/tiny_bert.zip")
        with self.assertRaisesRegex(ConnectionError, "connection broke after"):
            self._resolve(preset)
        self._assert_nothing_cached("test_bert")

    def test_archive_without_vocabulary_is_refused(self):
        preset = self._bert("test_bert", "/no_vocab.zip", directory="tiny_bert")
        with self.assertRaisesRegex(
            ValueError, r"lacks \['vocab.txt'\] in 'tiny_bert'"
        ):
            self._resolve(preset)
        self._assert_nothing_cached("test_bert")

    def test_archive_without_checkpoint_data_is_refused(self):
        preset = self._bert("test_bert", "/no_data.zip")
        with self.assertRaisesRegex(
            ValueError,
            r"lacks \['bert_model.ckpt.index and .data-\*'\] in the archive's "
            r"root. Received: an archive holding \['bert_config.json', "
            r"'bert_model.ckpt.index', 'checkpoint', 'vocab.txt'\]",
        ):
            self._resolve(preset)
        self._assert_nothing_cached("test_bert")

    def test_failed_conversion_keeps_the_archive(self):
        preset = dataclasses.replace(
            self._bert("test_wrong", "/tiny_bert.zip"), encoder="AlbertEncoder"
        )
        for _ in range(2):
            with self.assertRaisesRegex(
                ValueError, "converted into a BertEncoder, but the table"
            ):
                self._resolve(preset)
        self.assertEqual(len(self.server.requests), 1)
        self.assertFalse(
            os.path.exists(os.path.join(self.cache_dir, "test_wrong"))
        )

    def test_server_down_fails_at_once_with_the_url(self):
        server = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
        url = f"http://127.0.0.1:{server.server_address[1]}/tiny_bert.zip"
        server.server_close()
        preset = table.bert_preset("test_bert", "", url, True, "")
        start = time.monotonic()
        with self.assertRaises(ConnectionError) as context:
            self._resolve(preset)
        self.assertLess(time.monotonic() - start, 5)
        message = str(context.exception)
        self.assertIn(url, message)
        self.assertIn("BertEncoder.from_preset('/path/to/", message)
        self.assertIn("Connection refused", message)
        self._assert_nothing_cached("test_bert")

    def test_timeout_is_short_and_reported_as_offline(self):
        import requests

        preset = self._bert("test_bert", "/tiny_bert.zip", directory="d")
        with mock.patch.object(
            requests, "get", side_effect=requests.ConnectTimeout("timed out")
        ) as get:
            with self.assertRaisesRegex(
                ConnectionError,
                f"from {preset.url}: timed out.*its `d/` directory",
            ):
                self._resolve(preset)
        connect_timeout, _ = get.call_args.kwargs["timeout"]
        self.assertLessEqual(connect_timeout, 10)
        self._assert_nothing_cached("test_bert")

    def test_http_error_names_the_status(self):
        preset = self._bert("test_bert", "/missing.zip")
        with self.assertRaisesRegex(OSError, "HTTP 404"):
            self._resolve(preset)
        self._assert_nothing_cached("test_bert")

    def test_cache_directory_from_the_environment(self):
        preset = self._bert("test_bert", "/tiny_bert.zip")
        with mock.patch.dict(
            os.environ, {resolver.CACHE_ENV: self.cache_dir}
        ), mock.patch.dict(table.PRESETS, {preset.name: preset}):
            path = resolver.resolve_preset("test_bert")
        self.assertEqual(
            path, os.path.join(self.cache_dir, "presets", "test_bert")
        )

    def test_cache_entry_that_is_not_a_preset_is_refused(self):
        os.makedirs(os.path.join(self.cache_dir, "test_bert"))
        preset = self._bert("test_bert", "/tiny_bert.zip")
        with self.assertRaisesRegex(ValueError, "Delete it"):
            self._resolve(preset)
        self.assertEqual(self.server.requests, [])

    @pytest.mark.large
    def test_two_processes_resolving_at_once(self):
        url = self.base_url + "/tiny_bert.zip"
        environment = dict(
            os.environ,
            PYTHONPATH=os.pathsep.join(
                [str(pathlib.Path(__file__).parents[2])]
                + os.environ.get("PYTHONPATH", "").split(os.pathsep)
            ),
        )
        processes = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    _RESOLVE_IN_SUBPROCESS,
                    url,
                    self.cache_dir,
                ],
                env=environment,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        results = [process.communicate(timeout=300) for process in processes]
        for process, (stdout, stderr) in zip(processes, results):
            self.assertEqual(process.returncode, 0, stderr)
            self.assertEqual(
                stdout.strip().splitlines()[-1],
                os.path.join(self.cache_dir, "test_bert"),
            )
        self.assertIn(len(self.server.requests), (1, 2))
        BertEncoder.from_preset(os.path.join(self.cache_dir, "test_bert"))
        self.assertEqual(
            sorted(os.listdir(self.cache_dir)), ["downloads", "test_bert"]
        )


class PassThroughTest(TestCase):
    def setUp(self):
        super().setUp()
        import requests

        # None of these may download: fail loudly rather than go online.
        patcher = mock.patch.object(
            requests, "get", side_effect=AssertionError("no download here")
        )
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_paths_and_handles_are_returned_unchanged(self):
        directory = self.get_temp_dir()
        self.assertIs(resolver.resolve_preset(directory), directory)
        path = pathlib.Path(directory)
        self.assertIs(resolver.resolve_preset(path), path)
        for handle in (
            "gs://bucket/bert",
            "https://tfhub.dev/tensorflow/bert_en_uncased_L-12_H-768_A-12/4",
            "relative/missing_dir",
        ):
            self.assertEqual(resolver.resolve_preset(handle), handle)

    def test_unknown_name_lists_close_matches(self):
        with self.assertRaisesRegex(
            ValueError,
            r"'bert_base_en_uncasd' is not a known preset name.* Did you "
            r"mean "
            r"\['bert_base_en_uncased'",
        ):
            resolver.resolve_preset("bert_base_en_uncasd")
        with self.assertRaisesRegex(ValueError, "albert_xxlarge_en_v2"):
            resolver.resolve_preset("no_such_model")

    def test_encoder_of_another_class_is_refused_before_download(self):
        with self.assertRaisesRegex(
            ValueError,
            r"holds the encoder class AlbertEncoder, not BertEncoder.*"
            r"AlbertEncoder\.from_preset\('albert_base_en_v2'\)",
        ):
            resolver.resolve_preset("albert_base_en_v2", encoder="BertEncoder")

    def test_not_a_path_raises_type_error(self):
        with self.assertRaisesRegex(TypeError, "Received: name_or_path=3"):
            resolver.resolve_preset(3)
