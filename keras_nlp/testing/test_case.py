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

"""Shared `TestCase` with the layer and saving harnesses used by all tests."""

import json
import os
import tempfile

import keras
import numpy as np
from absl.testing import parameterized
from keras import ops

# `jit_compile=True` where the backend compiles with XLA (TensorFlow, JAX).
# On PyTorch Keras runs eagerly by default; `torch.compile` is not its XLA.
JIT_COMPILE = keras.config.backend() != "torch"


def _to_numpy(value):
    """Converts tensors (and nested dicts/lists of them) to NumPy."""
    if isinstance(value, dict):
        return {key: _to_numpy(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_numpy(item) for item in value]
    if hasattr(value, "numpy") and hasattr(value, "dtype"):
        # Eager tensors and variables of any backend.
        return np.asarray(ops.convert_to_numpy(value))
    return np.asarray(value)


def _tensor_inputs(call_kwargs):
    """Splits `call_kwargs` into tensor arguments and plain arguments."""
    tensors, plain = {}, {}
    for key, value in (call_kwargs or {}).items():
        if isinstance(value, np.ndarray):
            tensors[key] = value
        else:
            plain[key] = value
    return tensors, plain


def _symbolic_input(array, name=None, batch_size=None):
    """A `keras.Input` matching `array` with a free batch dimension."""
    return keras.Input(
        shape=array.shape[1:],
        batch_size=batch_size,
        dtype=str(array.dtype),
        name=name,
    )


def _flatten(structure):
    if isinstance(structure, dict):
        return [
            x for key in sorted(structure) for x in _flatten(structure[key])
        ]
    if isinstance(structure, (list, tuple)):
        return [x for item in structure for x in _flatten(item)]
    return [structure]


class TestCase(parameterized.TestCase):
    """Base class of every keras_nlp test: backend-agnostic assertions."""

    def setUp(self):
        super().setUp()
        keras.utils.set_random_seed(1337)
        keras.config.set_dtype_policy("float32")

    def tearDown(self):
        keras.config.set_dtype_policy("float32")
        super().tearDown()

    def get_temp_dir(self):
        temp_dir = tempfile.mkdtemp(prefix="keras_nlp_test_")
        self.addCleanup(_remove_tree, temp_dir)
        return temp_dir

    def assertAllClose(self, actual, desired, atol=1e-6, rtol=1e-6, msg=""):
        actual, desired = _to_numpy(actual), _to_numpy(desired)
        if isinstance(desired, dict):
            self.assertEqual(sorted(actual), sorted(desired), msg)
            for key in desired:
                self.assertAllClose(actual[key], desired[key], atol, rtol, msg)
            return
        if isinstance(desired, list):
            self.assertEqual(len(actual), len(desired), msg)
            for a, d in zip(actual, desired):
                self.assertAllClose(a, d, atol, rtol, msg)
            return
        np.testing.assert_allclose(
            actual.astype("float64") if actual.dtype.kind == "f" else actual,
            desired.astype("float64") if desired.dtype.kind == "f" else desired,
            atol=atol,
            rtol=rtol,
            err_msg=msg,
        )

    def assertAllEqual(self, actual, desired, msg=""):
        np.testing.assert_array_equal(
            _to_numpy(actual), _to_numpy(desired), err_msg=msg
        )

    def assertConfigRoundTrip(self, obj):
        """`from_config(get_config())` rebuilds an identical config."""
        config = obj.get_config()
        json.dumps(config)  # Must be JSON-ready.
        restored = obj.__class__.from_config(config)
        self.assertEqual(
            json.dumps(restored.get_config(), sort_keys=True),
            json.dumps(config, sort_keys=True),
        )
        return restored

    def run_layer_test(
        self,
        cls,
        init_kwargs,
        input_data,
        expected_output_shape,
        call_kwargs=None,
        expected_output_dtype=None,
        expected_num_trainable_weights=None,
        expected_num_non_trainable_weights=0,
        run_training_check=True,
    ):
        """Checks the behaviours every layer must have.

        Args:
            cls: the layer class.
            init_kwargs: dict of constructor arguments.
            input_data: a NumPy array, or a list of arrays, passed as the
                first positional argument of `call()`.
            expected_output_shape: tuple, the shape of the eager output (a
                dict or list of tuples for nested outputs).
            call_kwargs: dict of extra `call()` arguments. NumPy arrays among
                them are treated as tensor inputs (and become `keras.Input`s
                in the symbolic and training checks).
            expected_output_dtype: string dtype of the output(s), if checked.
            expected_num_trainable_weights: int, checked after the first call.
            expected_num_non_trainable_weights: int.
            run_training_check: bool. Fits one step of a functional model
                with an MSE loss on the (single, floating) output.
        """
        tensor_kwargs, plain_kwargs = _tensor_inputs(call_kwargs)

        # 1. Config and serialization round trips.
        layer = cls(**init_kwargs)
        self.assertConfigRoundTrip(layer)
        serialized = keras.layers.serialize(layer)
        json.dumps(serialized)
        revived = keras.layers.deserialize(serialized)
        self.assertIs(revived.__class__, cls)
        self.assertEqual(
            json.dumps(revived.get_config(), sort_keys=True),
            json.dumps(layer.get_config(), sort_keys=True),
        )

        # 2. Eager call: output shape, dtype and weight counts.
        outputs = layer(input_data, **tensor_kwargs, **plain_kwargs)
        self._check_shapes(outputs, expected_output_shape)
        if expected_output_dtype is not None:
            for output in _flatten(outputs):
                self.assertEqual(
                    keras.backend.standardize_dtype(output.dtype),
                    expected_output_dtype,
                )
        if expected_num_trainable_weights is not None:
            self.assertLen(
                layer.trainable_weights, expected_num_trainable_weights
            )
        self.assertLen(
            layer.non_trainable_weights, expected_num_non_trainable_weights
        )
        # A second call reuses the weights it already has.
        num_weights = len(layer.weights)
        layer(input_data, **tensor_kwargs, **plain_kwargs)
        self.assertLen(layer.weights, num_weights)

        # 3. Symbolic call on a fresh layer: shapes with a free batch size.
        model, _ = self._functional_model(
            cls(**init_kwargs), input_data, tensor_kwargs, plain_kwargs
        )
        symbolic_shapes = [tuple(x.shape) for x in _flatten(model.outputs)]
        eager_shapes = [tuple(x.shape) for x in _flatten(outputs)]
        for symbolic, eager in zip(symbolic_shapes, eager_shapes):
            self.assertEqual(symbolic[1:], eager[1:])

        # 4. One training step of a fresh layer gives a finite loss.
        if run_training_check:
            model, model_inputs = self._functional_model(
                cls(**init_kwargs), input_data, tensor_kwargs, plain_kwargs
            )
            target = np.random.uniform(size=tuple(outputs.shape)).astype(
                "float32"
            )
            model.compile(optimizer="sgd", loss="mse")
            history = model.fit(
                model_inputs, target, batch_size=len(target), verbose=0
            )
            self.assertTrue(np.isfinite(history.history["loss"][0]))

    def run_saving_test(
        self, cls, init_kwargs, input_data, call_kwargs=None, atol=1e-6
    ):
        """A functional model holding the layer survives `.keras` saving."""
        tensor_kwargs, plain_kwargs = _tensor_inputs(call_kwargs)
        layer = cls(**init_kwargs)
        model, model_inputs = self._functional_model(
            layer, input_data, tensor_kwargs, plain_kwargs
        )
        restored = self.run_model_saving_test(model, model_inputs, atol=atol)
        self.assertTrue(
            any(isinstance(x, cls) for x in restored._flatten_layers())
        )
        return restored

    def run_model_saving_test(self, model, input_data, atol=1e-6):
        """Saves `model` to `.keras`, reloads it and compares outputs."""
        expected = model(input_data, training=False)
        path = os.path.join(self.get_temp_dir(), "model.keras")
        model.save(path)
        restored = keras.models.load_model(path, safe_mode=True)
        self.assertIs(restored.__class__, model.__class__)
        actual = restored(input_data, training=False)
        self.assertAllClose(actual, expected, atol=atol, rtol=0)
        return restored

    def _functional_model(self, layer, input_data, tensor_kwargs, plain):
        """Wraps `layer` in a functional model; returns it and its data."""
        if isinstance(input_data, (list, tuple)):
            inputs = [_symbolic_input(np.asarray(x)) for x in input_data]
            data = [np.asarray(x) for x in input_data]
        else:
            inputs = _symbolic_input(np.asarray(input_data))
            data = [np.asarray(input_data)]
        kwarg_inputs = {
            key: _symbolic_input(value, name=key)
            for key, value in tensor_kwargs.items()
        }
        outputs = layer(inputs, **kwarg_inputs, **plain)
        flat_inputs = (
            list(inputs) if isinstance(inputs, list) else [inputs]
        ) + list(kwarg_inputs.values())
        model = keras.Model(flat_inputs, outputs)
        return model, data + list(tensor_kwargs.values())

    def _check_shapes(self, outputs, expected):
        if isinstance(expected, dict):
            self.assertEqual(sorted(outputs), sorted(expected))
            for key in expected:
                self._check_shapes(outputs[key], expected[key])
        elif isinstance(expected, list):
            self.assertLen(outputs, len(expected))
            for output, shape in zip(outputs, expected):
                self._check_shapes(output, shape)
        else:
            self.assertEqual(tuple(outputs.shape), tuple(expected))


def _remove_tree(path):
    import shutil

    shutil.rmtree(path, ignore_errors=True)
