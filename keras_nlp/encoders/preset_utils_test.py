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

import os

from keras_nlp.encoders import preset_utils
from keras_nlp.testing.test_case import TestCase


class PresetUtilsTest(TestCase):
    def test_check_preset_directory(self):
        temp_dir = self.get_temp_dir()
        # Absent and empty directories are accepted.
        preset_utils.check_preset_directory(os.path.join(temp_dir, "new"))
        preset_utils.check_preset_directory(temp_dir)
        with open(os.path.join(temp_dir, "old.txt"), "w") as file:
            file.write("x")
        preset_utils.check_preset_directory(temp_dir, overwrite=True)
        with self.assertRaisesRegex(
            ValueError,
            r"`output_dir` is not empty\. Received: output_dir='.*' holding "
            r"\['old\.txt'\]\..*`overwrite=True`",
        ):
            preset_utils.check_preset_directory(temp_dir, False, "output_dir")
        with self.assertRaisesRegex(
            ValueError,
            r"`path` must be a directory, but it is a file\. Received: "
            r"path='.*old\.txt'",
        ):
            preset_utils.check_preset_directory(
                os.path.join(temp_dir, "old.txt"), overwrite=True
            )

    def test_read_json(self):
        path = os.path.join(self.get_temp_dir(), "data.json")
        with open(path, "w") as file:
            file.write('{"a": [1, 2]}')
        self.assertEqual(preset_utils.read_json(path, "Unused."), {"a": [1, 2]})
        with open(path, "w") as file:
            file.write("{not json")
        with self.assertRaisesRegex(
            ValueError, r"data\.json' is not valid JSON \(.*\)\. Fix it\.$"
        ):
            preset_utils.read_json(path, "Fix it.")
