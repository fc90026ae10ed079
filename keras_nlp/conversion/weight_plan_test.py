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

import inspect
import os
import re

import keras
import numpy as np

import keras_nlp
from keras_nlp.conversion import weight_plan
from keras_nlp.conversion.weight_plan import WeightPlan
from keras_nlp.testing.test_case import TestCase


def _variables():
    kernel = keras.Variable(np.zeros((4, 2, 2)), dtype="float32", name="q")
    bias = keras.Variable(np.zeros((2, 2)), dtype="float32", name="q_bias")
    output = keras.Variable(np.zeros((2, 2, 4)), dtype="float32", name="o")
    return kernel, bias, output


def _values(variables):
    return [np.array(keras.ops.convert_to_numpy(v)) for v in variables]


class TransformTest(TestCase):
    def test_split_heads_kernel(self):
        # Column c of a [H, H] query kernel feeds head c // D, slot c % D.
        kernel = np.arange(16.0).reshape(4, 4)
        heads = weight_plan.split_heads_kernel(kernel, (4, 2, 2))
        for row in range(4):
            for column in range(4):
                self.assertEqual(
                    heads[row, column // 2, column % 2], kernel[row, column]
                )

    def test_split_heads_bias(self):
        bias = np.arange(6.0)
        self.assertAllEqual(
            weight_plan.split_heads_bias(bias, (2, 3)), [[0, 1, 2], [3, 4, 5]]
        )

    def test_split_heads_output_kernel(self):
        # Row r of the [H, H] output kernel reads head r // D, slot r % D.
        kernel = np.arange(24.0).reshape(4, 6)
        heads = weight_plan.split_heads_output_kernel(kernel, (2, 2, 6))
        for row in range(4):
            self.assertAllEqual(heads[row // 2, row % 2], kernel[row])

    def test_transpose_and_chain(self):
        kernel = np.arange(12.0).reshape(3, 4)
        self.assertAllEqual(weight_plan.transpose(kernel, (4, 3)), kernel.T)
        torch_kernel = np.arange(16.0).reshape(4, 4)  # [out, in]
        both = weight_plan.chain(
            weight_plan.transpose, weight_plan.split_heads_kernel
        )
        self.assertAllEqual(
            both(torch_kernel, (4, 2, 2)),
            torch_kernel.T.reshape(4, 2, 2),
        )
        self.assertIn("transpose", both.description)
        self.assertIn("[H, N, D]", both.description)

    def test_transforms_reject_wrong_layouts(self):
        cases = [
            (weight_plan.identity, np.zeros((3, 4)), (4, 3)),
            # A transposed [H, I] kernel has the right size but not layout.
            (weight_plan.split_heads_kernel, np.zeros((6, 4)), (4, 2, 3)),
            (weight_plan.split_heads_bias, np.zeros(5), (2, 3)),
            (
                weight_plan.split_heads_output_kernel,
                np.zeros((4, 6)),
                (2, 3, 4),
            ),
            (weight_plan.transpose, np.zeros((3, 4)), (3, 4)),
            (weight_plan.transpose, np.zeros(3), (3,)),
        ]
        for transform, array, target_shape in cases:
            with self.assertRaisesRegex(ValueError, "expected|matrix|target"):
                transform(array, target_shape)

    def test_chain_rejects_shape_dependent_first_step(self):
        bad = weight_plan.chain(
            weight_plan.split_heads_bias, weight_plan.identity
        )
        with self.assertRaisesRegex(ValueError, "can only come last"):
            bad(np.zeros(4), (4,))

    def test_docstring_examples_run(self):
        for obj in (weight_plan.Transform, WeightPlan):
            blocks = re.findall(
                r"```python\n(.*?)```", inspect.getdoc(obj), re.DOTALL
            )
            self.assertNotEmpty(blocks)
            self.addCleanup(os.chdir, os.getcwd())
            os.chdir(self.get_temp_dir())
            for block in blocks:
                exec(block, {"np": np, "keras": keras, "keras_nlp": keras_nlp})


class WeightPlanTest(TestCase):
    def setUp(self):
        super().setUp()
        self.kernel, self.bias, self.output = _variables()
        self.targets = [self.kernel, self.bias, self.output]
        rng = np.random.default_rng(0)
        self.sources = {
            "layer/query/kernel": rng.normal(size=(4, 4)),
            "layer/query/bias": rng.normal(size=4),
            "layer/output/kernel": rng.normal(size=(4, 4)),
            "layer/query/kernel/adam_m": rng.normal(size=(4, 4)),
            "layer/query/kernel/adam_v": rng.normal(size=(4, 4)),
            "global_step": np.array(3),
        }

    def _plan(self, sources=None):
        plan = WeightPlan(
            self.sources if sources is None else sources,
            self.targets,
            source_description="the test checkpoint",
            target_description="the test model",
        )
        plan.map(
            "layer/query/kernel", self.kernel, weight_plan.split_heads_kernel
        )
        plan.map("layer/query/bias", self.bias, weight_plan.split_heads_bias)
        plan.map(
            "layer/output/kernel",
            self.output,
            weight_plan.split_heads_output_kernel,
        )
        return plan

    def test_assign_loads_every_weight_and_counts_skips(self):
        plan = self._plan()
        self.assertEqual(plan.skip_matching(r"/adam_[mv]$", "optimizer"), 2)
        plan.skip("global_step", "step counter")
        summary = plan.assign()
        self.assertEqual(
            summary,
            {"loaded": 3, "skipped": {"optimizer": 2, "step counter": 1}},
        )
        self.assertAllClose(
            self.kernel, self.sources["layer/query/kernel"].reshape(4, 2, 2)
        )
        self.assertAllClose(
            self.bias, self.sources["layer/query/bias"].reshape(2, 2)
        )
        self.assertAllClose(
            self.output, self.sources["layer/output/kernel"].reshape(2, 2, 4)
        )
        text = plan.summary_text(verbose=True)
        self.assertIn("Loaded 3 source variables", text)
        self.assertIn("2  optimizer", text)
        self.assertIn("layer/query/kernel -> q", text)

    def test_unmapped_source_is_an_error(self):
        plan = self._plan()
        plan.skip("global_step", "step counter")
        before = _values(self.targets)
        with self.assertRaisesRegex(
            ValueError,
            r"(?s)Nothing was loaded.*Unmapped source variables \(2\).*"
            r"`layer/query/kernel/adam_m` \[4, 4\].*Likely cause.*num_layers",
        ):
            plan.assign()
        for value, variable in zip(before, self.targets):
            self.assertAllEqual(variable, value)

    def test_missing_source_is_an_error(self):
        sources = dict(self.sources)
        del sources["layer/query/bias"]
        plan = self._plan(sources)
        plan.skip_matching(r"/adam_[mv]$|^global_step$", "training state")
        before = _values(self.targets)
        with self.assertRaisesRegex(
            ValueError,
            r"(?s)Missing weights \(1\).*`layer/query/bias` \(for target "
            r"weight `q_bias` \[2, 2\]\) is not in the test checkpoint.*"
            r"Likely cause.*truncated",
        ):
            plan.assign()
        for value, variable in zip(before, self.targets):
            self.assertAllEqual(variable, value)

    def test_unfilled_target_is_an_error(self):
        plan = WeightPlan(self.sources, self.targets)
        plan.map(
            "layer/query/kernel", self.kernel, weight_plan.split_heads_kernel
        )
        plan.skip_matching(".", "everything else")
        with self.assertRaisesRegex(
            ValueError, r"target weight `q_bias` \[2, 2\] receives no source"
        ):
            plan.validate()

    def test_shape_mismatch_is_an_error(self):
        sources = dict(self.sources)
        sources["layer/query/kernel"] = np.zeros((4, 6))
        plan = self._plan(sources)
        plan.skip_matching(r"/adam_[mv]$|^global_step$", "training state")
        before = _values(self.targets)
        with self.assertRaisesRegex(
            ValueError,
            r"(?s)Shape mismatches \(1\).*`layer/query/kernel` has shape "
            r"\[4, 6\], but target weight `q` has shape \[4, 2, 2\].*"
            r"Likely cause.*hidden_size",
        ):
            plan.assign()
        for value, variable in zip(before, self.targets):
            self.assertAllEqual(variable, value)

    def test_every_problem_is_listed_at_once(self):
        sources = dict(self.sources)
        del sources["layer/query/bias"]
        sources["layer/output/kernel"] = np.zeros((3, 3))
        plan = self._plan(sources)
        with self.assertRaisesRegex(
            ValueError, r"(?s)Shape mismatches.*Missing weights.*Unmapped"
        ):
            plan.validate()

    def test_plan_errors(self):
        plan = self._plan()
        plan.map("layer/query/bias", self.kernel)
        plan.skip("layer/query/kernel", "oops")
        plan.skip("not/a/source", "oops")
        plan.skip("global_step", "one")
        plan.skip("global_step", "two")
        stranger = keras.Variable(np.zeros(4), name="stranger")
        plan.map("layer/query/kernel/adam_m", stranger)
        with self.assertRaisesRegex(
            ValueError, r"Conversion plan errors \(6\)"
        ) as context:
            plan.validate()
        for fragment in (
            "`not/a/source` is skipped (oops) but is not in",
            "`global_step` is skipped twice",
            "`layer/query/bias` is mapped to 2 targets",
            "`layer/query/kernel` is both mapped and skipped",
            "target weight `q` receives 2 sources",
            "`stranger`, which is not one of the weights",
        ):
            self.assertIn(fragment, str(context.exception))

    def test_transform_must_be_a_transform(self):
        plan = WeightPlan(self.sources, self.targets)
        with self.assertRaisesRegex(ValueError, "must be a"):
            plan.map("layer/query/kernel", self.kernel, np.reshape)

    def test_long_lists_are_truncated(self):
        sources = {f"extra_{i:03d}": np.zeros(1) for i in range(30)}
        sources.update(self.sources)
        plan = self._plan(sources)
        plan.skip_matching(r"/adam_[mv]$|^global_step$", "training state")
        with self.assertRaisesRegex(
            ValueError, r"(?s)Unmapped source variables \(30\).*and 18 more\."
        ):
            plan.validate()

    def test_tied_target_listed_twice_counts_once(self):
        plan = WeightPlan(
            {"b": np.ones(4)}, [self.bias, self.bias], "src", "tgt"
        )
        plan.map("b", self.bias, weight_plan.split_heads_bias)
        self.assertEqual(plan.assign(), {"loaded": 1, "skipped": {}})

    def test_casts_to_the_target_dtype(self):
        variable = keras.Variable(np.zeros(3), dtype="bfloat16", name="v")
        plan = WeightPlan({"v": np.arange(3, dtype="float64")}, [variable])
        plan.map("v", variable)
        plan.assign()
        self.assertEqual(
            keras.backend.standardize_dtype(variable.dtype), "bfloat16"
        )
        self.assertAllClose(variable, [0.0, 1.0, 2.0])
