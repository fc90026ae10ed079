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

"""Running an example program: clean errors and quiet start-up.

`run(main)` replaces `absl.app.run(main)`. A user error (a bad flag value,
a `ValueError` or `TypeError` raised for one, an `ExampleError`) prints one
line, `Error: ...`, on stderr without a traceback and exits with status
`USAGE_EXIT_CODE`. Set `KERAS_NLP_TRACEBACK=1` to see the traceback too.
"""

import gc
import logging
import os
import sys
import tempfile
import traceback
import warnings

from absl import app
from absl import flags

USAGE_EXIT_CODE = 2
TRACEBACK_VARIABLE = "KERAS_NLP_TRACEBACK"


class ExampleError(Exception):
    """An error that the user can fix, printed without a traceback."""


# TensorFlow's C++ start-up lines, printed before its logging is set up
# (so `TF_CPP_MIN_LOG_LEVEL` cannot hide them) and once per loaded library.
STARTUP_NOISE = (
    "All log messages before absl::InitializeLog() is called",
    "oneDNN custom operations are on",
    "Could not find cuda drivers",
    "This TensorFlow binary is optimized to use available CPU instructions",
    "To enable the following instructions",
    "Unable to register cu",
    "TF-TRT Warning",
)


def quiet_tensorflow():
    """Imports TensorFlow without its start-up noise; keeps real warnings.

    Call it before anything imports TensorFlow. Drops the C++ start-up
    lines (oneDNN, CUDA, CPU instructions) that TensorFlow prints on
    import, passes any other line through, and hides the absl INFO lines
    of SavedModel export ("unsupported characters ... renamed", "Sharding
    callback duration") and Keras' notes on arguments the examples pass on
    purpose. With `TF_CPP_MIN_LOG_LEVEL` set in the environment, the C++
    output is left as it is.
    """
    if "TF_CPP_MIN_LOG_LEVEL" in os.environ:
        import tensorflow  # noqa: F401
    else:
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
        _import_tensorflow_filtering_stderr()
    from absl import logging as absl_logging

    absl_logging.set_verbosity(absl_logging.WARNING)
    logging.getLogger("tensorflow").setLevel(logging.WARNING)
    logging.getLogger("absl").addFilter(_drop_log_noise)
    warnings.filterwarnings("ignore", message="`shuffle=True` was passed")
    warnings.filterwarnings("ignore", message="Your input ran out of data")


# Python log messages of libraries about their own internals.
LOG_NOISE = (
    # TFDS about its own use of a deprecated field.
    "`TensorInfo.dtype` is deprecated",
)


def _drop_log_noise(record):
    message = record.getMessage()
    return not any(noise in message for noise in LOG_NOISE)


def _import_tensorflow_filtering_stderr():
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            import tensorflow  # noqa: F401
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            lines = captured.read().decode("utf-8", "replace").splitlines()
    for line in lines:
        if not any(noise in line for noise in STARTUP_NOISE):
            sys.stderr.write(line + "\n")


def error_line(error):
    """The one-line `Error: ...` message of `error`."""
    message = " ".join(str(error).split()) or type(error).__name__
    return f"Error: {message}"


# The flags that print help and exit.
HELP_FLAGS = ("--help", "-help", "-h", "-?", "--helpshort", "--helpfull")


def _parse_flags(argv):
    try:
        return flags.FLAGS(argv)
    except SystemExit as exit_request:
        # absl exits with status 1 after printing the help it was asked for.
        if exit_request.code == 1 and set(HELP_FLAGS) & set(argv[1:]):
            sys.exit(0)
        raise
    except flags.Error as error:
        sys.stderr.write(
            error_line(f"{error}. Pass --help to list the flags.") + "\n"
        )
        sys.exit(USAGE_EXIT_CODE)


def run(main):
    """Runs `main(argv)` like `absl.app.run`, with clean user errors."""

    def guarded_main(argv):
        if len(argv) > 1:
            sys.stderr.write(
                error_line(
                    f"Unexpected arguments {argv[1:]}: every setting is a "
                    "flag (--name=value). Pass --help to list the flags."
                )
                + "\n"
            )
            sys.exit(USAGE_EXIT_CODE)
        try:
            return main(argv)
        except (ValueError, TypeError, ExampleError) as error:
            if os.environ.get(TRACEBACK_VARIABLE):
                traceback.print_exc()
            message = error_line(error)
        except Exception:  # A bug: its traceback, as Python prints it.
            traceback.print_exc()
            message = None
        # Out of the `except` block the error's traceback is gone: free the
        # objects its frames held (such as a `tf.data` iterator, whose
        # threads may call Python) while Python runs, not at its exit.
        gc.collect()
        if message is None:
            sys.exit(1)
        sys.stderr.write(message + "\n")
        sys.exit(USAGE_EXIT_CODE)

    app.run(guarded_main, flags_parser=_parse_flags)
