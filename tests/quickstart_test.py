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

"""Smoke test of examples/quickstart.py on tiny flag values."""

import pathlib
import re
import subprocess
import sys

from keras_nlp.testing.test_case import TestCase

SCRIPT = pathlib.Path(__file__).parent.parent / "examples" / "quickstart.py"


class QuickstartTest(TestCase):
    def test_runs_end_to_end_and_reports_accuracy(self):
        result = subprocess.run(
            [
                sys.executable,
                str(SCRIPT),
                "--epochs=2",
                "--num_examples=256",
                "--hidden_size=16",
                "--sequence_length=8",
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        self.assertEqual(result.returncode, 0, msg=result.stderr[-3000:])
        match = re.search(r"Held-out accuracy: ([0-9.]+)", result.stdout)
        self.assertIsNotNone(match, msg=result.stdout[-2000:])
        self.assertTrue(0.0 <= float(match.group(1)) <= 1.0)
