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

"""Consistency of the preset table with Google's archive names."""

import re

from keras_nlp import encoders
from keras_nlp import presets
from keras_nlp.presets import table
from keras_nlp.testing.test_case import TestCase

# Google's naming: `[wwm_|multi_]{uncased,cased}_L-<n>_H-<n>_A-<n>.zip`.
_BERT_FILE = re.compile(r"^(?:(\w+?)_)?L-(\d+)_H-(\d+)_A-(\d+)\.zip$")


class TableTest(TestCase):
    def test_every_entry_is_a_google_archive(self):
        urls = [preset.url for preset in table.PRESETS.values()]
        self.assertEqual(len(set(urls)), len(urls))
        for name, preset in table.PRESETS.items():
            self.assertEqual(preset.name, name)
            self.assertTrue(hasattr(encoders, preset.encoder), name)
            self.assertTrue(preset.url.endswith("." + preset.archive), name)
            if preset.encoder == "BertEncoder":
                self.assertRegex(
                    preset.url,
                    r"^https://storage\.googleapis\.com/bert_models/"
                    r"20\d\d_\d\d_\d\d/",
                )
            else:
                self.assertRegex(
                    preset.url,
                    r"^https://storage\.googleapis\.com/albert_models/"
                    r"albert_(base|large|xlarge|xxlarge)_v[12]\.tar\.gz$",
                )
                self.assertTrue(preset.lowercase)

    def test_bert_sizes_and_casing_follow_the_file_names(self):
        for name, preset in table.PRESETS.items():
            if preset.encoder != "BertEncoder":
                continue
            file_name = preset.url.rsplit("/", 1)[1]
            match = _BERT_FILE.match(file_name)
            self.assertIsNotNone(match, file_name)
            variant, layers, hidden, heads = match.groups()
            self.assertEqual(int(heads) * 64, int(hidden), file_name)
            words = variant.split("_")
            if "uncased" in words:
                self.assertTrue(preset.lowercase, name)
            elif "cased" in words:
                self.assertFalse(preset.lowercase, name)
            else:
                # Google: both lower-case (`do_lower_case=True`).
                self.assertIn(variant, ("multilingual", "chinese"))
                self.assertTrue(preset.lowercase, name)
            if name != "bert_base_zh":  # keras-hub's name.
                self.assertEqual("_uncased" in name, preset.lowercase, name)
            if "2020_02_20" in preset.url:
                self.assertEqual(name, f"bert_l{layers}_h{hidden}_en_uncased")
                self.assertEqual(preset.directory, "")
            else:
                self.assertEqual(preset.directory, file_name[: -len(".zip")])

    def test_all_24_small_berts(self):
        matches = [
            re.match(r"bert_l(\d+)_h(\d+)_en_uncased$", name)
            for name in table.PRESETS
        ]
        small = [tuple(map(int, m.groups())) for m in matches if m]
        expected = [
            (layers, hidden)
            for layers in (2, 4, 6, 8, 10, 12)
            for hidden in (128, 256, 512, 768)
        ]
        self.assertEqual(sorted(small), expected)

    def test_named_small_berts(self):
        # The names in google-research/bert's README table.
        expected = {
            "bert_tiny_en_uncased": "uncased_L-2_H-128_A-2.zip",
            "bert_mini_en_uncased": "uncased_L-4_H-256_A-4.zip",
            "bert_small_en_uncased": "uncased_L-4_H-512_A-8.zip",
            "bert_medium_en_uncased": "uncased_L-8_H-512_A-8.zip",
        }
        for alias, file_name in expected.items():
            info = presets.preset_info(alias)
            self.assertTrue(info["url"].endswith("/" + file_name), alias)
            self.assertEqual(info["name"], table.ALIASES[alias])

    def test_list_presets(self):
        names = presets.list_presets()
        small = [name for name in names if re.match(r"bert_l\d", name)]
        self.assertEqual(
            small[:2], ["bert_l2_h128_en_uncased", "bert_l2_h256_en_uncased"]
        )
        self.assertEqual(small[-1], "bert_l12_h768_en_uncased")
        self.assertEqual(len(names), len(set(names)))
        self.assertEqual(set(names), set(table.PRESETS) | set(table.ALIASES))
        for name in (
            "bert_base_en_uncased",
            "bert_base_en",
            "bert_large_en_uncased_wwm",
            "bert_base_multi",
            "bert_base_zh",
            "albert_xxlarge_en_v1",
        ):
            self.assertIn(name, names)

    def test_preset_info(self):
        info = presets.preset_info("albert_base_en_v2")
        self.assertEqual(
            info["url"],
            "https://storage.googleapis.com/albert_models/"
            "albert_base_v2.tar.gz",
        )
        self.assertEqual(info["encoder"], "AlbertEncoder")
        self.assertEqual(info["directory"], "albert_base")
        with self.assertRaisesRegex(ValueError, r"\['albert_base_en_v2'"):
            presets.preset_info("albert_base_v2")
