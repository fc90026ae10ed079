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

"""A checked, all-or-nothing plan for loading foreign weights into Keras.

Every converter builds a `WeightPlan`: each source variable is mapped to
exactly one target weight (with a named reshape) or skipped by a named rule,
and each target weight receives exactly one source. `assign()` checks the
whole plan first and writes nothing unless every check passes, so a model is
never left half-loaded.
"""

import re

import numpy as np

# At most this many problems of each kind are spelled out in an error.
MAX_LISTED_PROBLEMS = 12

LIKELY_CAUSE_UNMAPPED = (
    "The source holds weights this model has no place for: the config "
    "probably describes a smaller model (e.g. too few `num_layers`), or the "
    "source belongs to another model family (e.g. an ALBERT checkpoint "
    "loaded as BERT)."
)
LIKELY_CAUSE_MISSING = (
    "The source lacks weights the model needs: the checkpoint may be "
    "truncated or partial, the config may describe a bigger model (e.g. too "
    "many `num_layers`), or the source belongs to another model family."
)
LIKELY_CAUSE_SHAPE = (
    "The config does not match the source (check `vocab_size`, "
    "`hidden_size`, `num_attention_heads`, `inner_dim`, "
    "`max_sequence_length`, `type_vocab_size` and `embedding_width`), or the "
    "source belongs to another model family."
)


class Transform:
    """A named conversion of a source array to a target weight's layout.

    Calling it with `(array, target_shape)` returns the converted array or
    raises `ValueError` when `array` cannot have come from a weight of
    `target_shape`. Transforms check the source layout strictly (a reshape
    that merely preserves the element count is not accepted), so a
    transposed or mis-sized source is reported rather than scrambled.

    Args:
        description: str. What the transform does, e.g.
            `"reshape [H, H] -> [H, N, D]"`; shown in plan summaries.
        function: callable `(array, target_shape) -> array`, raising
            `ValueError` on a layout it does not accept.

    Example:

    ```python
    from keras_nlp.conversion import weight_plan

    kernel = np.arange(16.0).reshape(4, 4)  # [hidden, hidden]
    heads = weight_plan.split_heads_kernel(kernel, (4, 2, 2))
    assert heads.shape == (4, 2, 2)  # [hidden, num_heads, head_dim]
    torch_style = kernel.T  # [out, in]
    both = weight_plan.chain(
        weight_plan.transpose, weight_plan.split_heads_kernel
    )
    assert (both(torch_style, (4, 2, 2)) == heads).all()
    ```
    """

    def __init__(self, description, function):
        self.description = description
        self.function = function

    def __call__(self, array, target_shape):
        return self.function(np.asarray(array), tuple(target_shape))

    def __repr__(self):
        return f"Transform({self.description!r})"


def _identity(array, target_shape):
    _expect_shape(array, target_shape)
    return array


def _transpose(array, target_shape):
    if array.ndim != 2:
        raise ValueError("a transpose needs a matrix")
    _expect_shape(array, target_shape[::-1])
    return array.T


def _split_heads_kernel(array, target_shape):
    # [hidden, hidden] -> [hidden, num_heads, head_dim]: the output axis of
    # a query, key or value kernel is split into heads.
    if len(target_shape) != 3:
        raise ValueError("the target is not a [H, N, D] kernel")
    hidden, num_heads, head_dim = target_shape
    _expect_shape(array, (hidden, num_heads * head_dim))
    return array.reshape(target_shape)


def _split_heads_bias(array, target_shape):
    # [hidden] -> [num_heads, head_dim].
    if len(target_shape) != 2:
        raise ValueError("the target is not a [N, D] bias")
    num_heads, head_dim = target_shape
    _expect_shape(array, (num_heads * head_dim,))
    return array.reshape(target_shape)


def _split_heads_output_kernel(array, target_shape):
    # [hidden, hidden] -> [num_heads, head_dim, hidden]: the input axis of
    # the attention output kernel is split into heads.
    if len(target_shape) != 3:
        raise ValueError("the target is not a [N, D, H] kernel")
    num_heads, head_dim, hidden = target_shape
    _expect_shape(array, (num_heads * head_dim, hidden))
    return array.reshape(target_shape)


def _expect_shape(array, shape):
    if tuple(array.shape) != tuple(shape):
        raise ValueError(f"expected a source of shape {list(shape)}")


identity = Transform("as is", _identity)
transpose = Transform("transpose [out, in] -> [in, out]", _transpose)
split_heads_kernel = Transform(
    "reshape [H, H] -> [H, N, D]", _split_heads_kernel
)
split_heads_bias = Transform("reshape [H] -> [N, D]", _split_heads_bias)
split_heads_output_kernel = Transform(
    "reshape [H, H] -> [N, D, H]", _split_heads_output_kernel
)


def chain(*transforms):
    """Returns the `Transform` applying `transforms` left to right.

    Only the last one sees the target shape; the earlier ones must be
    shape-free (such as `transpose`, which is checked against the reversed
    intermediate shape).
    """

    def function(array, target_shape):
        for transform in transforms[:-1]:
            array = _apply_shape_free(transform, array)
        return transforms[-1](array, target_shape)

    return Transform(
        ", then ".join(t.description for t in transforms), function
    )


def _apply_shape_free(transform, array):
    if transform is transpose:
        if array.ndim != 2:
            raise ValueError("a transpose needs a matrix")
        return array.T
    if transform is identity:
        return array
    raise ValueError(
        f"{transform!r} needs the target shape and can only come last in "
        "`chain()`"
    )


class WeightPlan:
    """Maps every source variable to one target weight, checked before use.

    A converter creates the plan from the source's arrays and the target
    weights that must be filled, calls `map()` once per target weight and
    `skip()` (or `skip_matching()`) for each source variable that has no
    place in the model (optimizer slots, step counters, unused heads), then
    calls `assign()`. `validate()` (run by `assign()`) raises one
    `ValueError` that lists, with both shapes and the likely cause:

    - source variables neither mapped nor skipped;
    - target weights that received no source, or whose source is absent;
    - shape mismatches (after the mapping's documented reshape);
    - a source or target used twice, or a source both mapped and skipped.

    Only when the whole plan is valid are the weights written, so an error
    leaves the target model untouched.

    Args:
        sources: mapping of source variable name to array (NumPy or
            anything `np.asarray` accepts).
        targets: the target weights (`keras.Variable`s) that must all be
            filled, e.g. `model.weights`. Duplicates (a tied variable listed
            twice) count once.
        source_description: str. How to name the source in errors, e.g.
            `"the BERT checkpoint at '/tmp/bert'"`.
        target_description: str. How to name the target, e.g.
            `"BertEncoder"`.

    Example:

    ```python
    dense = keras.layers.Dense(3)
    dense.build((None, 2))
    sources = {
        "dense/weight": np.ones((3, 2)),  # PyTorch layout, [out, in].
        "dense/bias": np.zeros(3),
        "global_step": np.array(10),
    }
    plan = keras_nlp.conversion.WeightPlan(sources, dense.weights)
    plan.map(
        "dense/weight", dense.kernel, keras_nlp.conversion.weight_plan.transpose
    )
    plan.map("dense/bias", dense.bias)
    plan.skip("global_step", "training step counter")
    plan.assign()  # {"loaded": 2, "skipped": {"training step counter": 1}}
    ```
    """

    def __init__(
        self,
        sources,
        targets,
        source_description="the source",
        target_description="the model",
    ):
        self.sources = sources
        self.source_description = source_description
        self.target_description = target_description
        self.targets = []
        seen = set()
        for variable in targets:
            if id(variable) not in seen:
                seen.add(id(variable))
                self.targets.append(variable)
        # Each entry: (source_name, target, transform).
        self.mappings = []
        # Source name -> rule.
        self.skipped = {}
        self._plan_errors = []
        self._values = None

    def map(self, source_name, target, transform=identity):
        """Plans to load the source `source_name` into the weight `target`.

        Args:
            source_name: str. The name of the source variable. A name absent
                from the source is reported by `validate()` as a missing
                variable.
            target: the `keras.Variable` to fill.
            transform: a `Transform` from the source layout to the target
                layout. Defaults to `identity` (same shape).
        """
        if not isinstance(transform, Transform):
            raise ValueError(
                "`transform` must be a `keras_nlp.conversion.weight_plan."
                f"Transform`. Received: transform={transform!r}"
            )
        self.mappings.append((source_name, target, transform))
        self._values = None

    def skip(self, source_name, rule):
        """Records that `source_name` is deliberately not loaded, by `rule`.

        Args:
            source_name: str. A source variable name.
            rule: str. A short name of the reason, e.g. `"optimizer slot"`;
                summaries count skipped variables by rule.
        """
        if source_name not in self.sources:
            self._plan_errors.append(
                f"- `{source_name}` is skipped ({rule}) but is not in "
                f"{self.source_description}."
            )
            return
        if source_name in self.skipped:
            self._plan_errors.append(
                f"- `{source_name}` is skipped twice, by the rules "
                f"{self.skipped[source_name]!r} and {rule!r}."
            )
            return
        self.skipped[source_name] = rule
        self._values = None

    def skip_matching(self, pattern, rule):
        """Skips every source whose name matches the regex `pattern`.

        Sources already mapped or skipped are left alone, so specific
        `skip()`/`map()` calls take precedence over a broad pattern.

        Args:
            pattern: str or compiled regex, searched anywhere in the name.
            rule: str. The rule name, as in `skip()`.

        Returns:
            The number of source variables the rule skipped.
        """
        pattern = re.compile(pattern)
        mapped = {source for source, _, _ in self.mappings}
        count = 0
        for name in self.sources:
            if name in mapped or name in self.skipped:
                continue
            if pattern.search(name):
                self.skipped[name] = rule
                count += 1
        self._values = None
        return count

    def unplanned_sources(self):
        """The source names neither mapped nor skipped so far, sorted."""
        mapped = {source for source, _, _ in self.mappings}
        return sorted(
            name
            for name in self.sources
            if name not in mapped and name not in self.skipped
        )

    def validate(self):
        """Checks the whole plan; raises `ValueError` listing every problem.

        Returns:
            A list of converted arrays, one per mapping, in `map()` order.

        Raises:
            ValueError: if any source is unmapped, any target unfilled or
                filled twice, a source missing or used twice, or any shape
                does not match.
        """
        if self._values is not None:
            return self._values
        problems = {
            "plan": list(self._plan_errors),
            "unmapped": [],
            "missing": [],
            "shape": [],
        }
        target_ids = {id(variable) for variable in self.targets}
        source_uses = {}
        target_uses = {}
        for source_name, target, _ in self.mappings:
            source_uses.setdefault(source_name, []).append(target)
            target_uses.setdefault(id(target), []).append(source_name)

        for source_name, targets in source_uses.items():
            if len(targets) > 1:
                problems["plan"].append(
                    f"- `{source_name}` is mapped to {len(targets)} targets "
                    f"({', '.join(_target_name(t) for t in targets)}); each "
                    "source may fill only one."
                )
            if source_name in self.skipped:
                problems["plan"].append(
                    f"- `{source_name}` is both mapped and skipped (rule "
                    f"{self.skipped[source_name]!r})."
                )
        for target in self.targets:
            names = target_uses.get(id(target), [])
            if not names:
                problems["missing"].append(
                    f"- target weight `{_target_name(target)}` "
                    f"{_shape(target)} receives no source variable."
                )
            elif len(names) > 1:
                problems["plan"].append(
                    f"- target weight `{_target_name(target)}` receives "
                    f"{len(names)} sources ({', '.join(names)}); it must "
                    "receive exactly one."
                )
        for source_name, target, _ in self.mappings:
            if id(target) not in target_ids:
                problems["plan"].append(
                    f"- `{source_name}` is mapped to "
                    f"`{_target_name(target)}`, which is not one of the "
                    f"weights of {self.target_description}."
                )

        values = []
        for source_name, target, transform in self.mappings:
            if source_name not in self.sources:
                problems["missing"].append(
                    f"- source variable `{source_name}` (for target weight "
                    f"`{_target_name(target)}` {_shape(target)}) is not in "
                    f"{self.source_description}."
                )
                values.append(None)
                continue
            array = np.asarray(self.sources[source_name])
            target_shape = tuple(target.shape)
            try:
                value = transform(array, target_shape)
                if tuple(value.shape) != target_shape:
                    raise ValueError(f"the result has shape {value.shape}")
            except ValueError as error:
                problems["shape"].append(
                    f"- source variable `{source_name}` has shape "
                    f"{list(array.shape)}, but target weight "
                    f"`{_target_name(target)}` has shape {list(target_shape)}"
                    f" (mapping: {transform.description}; {error})."
                )
                values.append(None)
                continue
            values.append(value)

        for name in self.unplanned_sources():
            problems["unmapped"].append(
                f"- source variable `{name}` {self._source_shape(name)} is "
                "neither mapped to a target weight nor skipped by a rule."
            )

        if any(problems.values()):
            raise ValueError(self._error_message(problems))
        self._values = values
        return values

    def assign(self):
        """Validates the plan, then writes every mapped source to its target.

        Returns:
            The plan's `summary()`.

        Raises:
            ValueError: as `validate()`; nothing is written in that case.
        """
        values = self.validate()
        converted = [
            np.asarray(value).astype(_numpy_dtype(target))
            for value, (_, target, _) in zip(values, self.mappings)
        ]
        for value, (_, target, _) in zip(converted, self.mappings):
            target.assign(value)
        return self.summary()

    def summary(self):
        """Counts: `{"loaded": int, "skipped": {rule: int}}`."""
        skipped = {}
        for rule in self.skipped.values():
            skipped[rule] = skipped.get(rule, 0) + 1
        return {"loaded": len(self.mappings), "skipped": skipped}

    def summary_text(self, verbose=False):
        """A human-readable summary; `verbose` lists every mapping too."""
        summary = self.summary()
        lines = [
            f"Loaded {summary['loaded']} source variables into "
            f"{len(self.targets)} weights of {self.target_description}; "
            f"skipped {sum(summary['skipped'].values())} by rule."
        ]
        for rule, count in sorted(summary["skipped"].items()):
            lines.append(f"  skipped {count:5d}  {rule}")
        if verbose:
            for source_name, target, transform in self.mappings:
                lines.append(
                    f"  {source_name} -> {_target_name(target)} "
                    f"({transform.description})"
                )
        return "\n".join(lines)

    def _source_shape(self, name):
        # Mappings such as checkpoint readers may know shapes without
        # reading the array.
        shape_of = getattr(self.sources, "shape", None)
        if callable(shape_of):
            return list(shape_of(name))
        return list(np.shape(self.sources[name]))

    def _error_message(self, problems):
        sections = [
            f"Cannot load {self.source_description} into "
            f"{self.target_description}: the weights do not correspond one "
            "to one. Nothing was loaded; the model is unchanged."
        ]
        titles = (
            ("shape", "Shape mismatches", LIKELY_CAUSE_SHAPE),
            ("missing", "Missing weights", LIKELY_CAUSE_MISSING),
            ("unmapped", "Unmapped source variables", LIKELY_CAUSE_UNMAPPED),
            (
                "plan",
                "Conversion plan errors",
                "This is a bug in the converter; please report it.",
            ),
        )
        for key, title, cause in titles:
            items = problems[key]
            if not items:
                continue
            listed = items[:MAX_LISTED_PROBLEMS]
            more = len(items) - len(listed)
            sections.append(
                f"{title} ({len(items)}):\n"
                + "\n".join(listed)
                + (f"\n- ... and {more} more." if more else "")
                + f"\nLikely cause: {cause}"
            )
        return "\n".join(sections)


def _target_name(variable):
    return getattr(variable, "path", None) or getattr(
        variable, "name", repr(variable)
    )


def _shape(variable):
    return list(variable.shape)


def _numpy_dtype(variable):
    dtype = variable.dtype
    dtype = getattr(dtype, "name", dtype)
    try:
        return np.dtype(dtype)
    except TypeError:
        return np.float32
