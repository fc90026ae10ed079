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

"""Crash-safe checkpoints of a training run: a manifest and two checkpoints.

A run's state on disk is one JSON manifest (`progress.json`) that names the
checkpoint files, each with its step and SHA-256 checksum:

```json
{"completed": false, "step": 40,
 "checkpoints": [{"step": 40, "file": "ckpt-40.weights.h5", "sha256": "..."},
                 {"step": 20, "file": "ckpt-20.weights.h5", "sha256": "..."}]}
```

A checkpoint (the model's and the optimizer's variables, written with
`model.save_weights`) is written under a temporary name, flushed to disk
and renamed; only then is the manifest replaced, itself through a
temporary file and an atomic rename. A kill at any moment leaves either
the old manifest or the new one, each naming complete files, so that the
step and the weights always agree. Files that no manifest names (a write
cut short) are ignored and deleted. On restore the newest checkpoint whose
checksum matches, which loads, and whose optimizer step equals the
manifest's is used; a damaged one is reported and the previous one is
tried.
"""

import hashlib
import json
import os
import shutil

import keras

# The number of checkpoints kept: the newest and the one before it.
NUM_KEPT = 2
CHECKPOINT_PREFIX = "ckpt-"
TEMPORARY_PREFIX = "tmp-"
WEIGHTS_SUFFIX = ".weights.h5"


def read_json(path, what="file"):
    """The JSON content of `path`, or None if there is no such file.

    Raises:
        ValueError: if the file is empty, truncated or not JSON.
    """
    if not os.path.isfile(path):
        return None
    try:
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(
            f"The {what} {path} is damaged: it is empty, truncated or not "
            f"JSON ({error}). Restore it, or delete it to start over."
        ) from None


def write_json(path, data):
    """Writes `data` to `path` atomically (temporary file, fsync, rename)."""
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as file:
        json.dump(data, file, indent=2, sort_keys=True)
        file.write("\n")
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    _sync_directory(os.path.dirname(os.path.abspath(path)))


def file_sha256(path):
    """The hex SHA-256 checksum of the file at `path`."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def current_step(model):
    """The number of optimizer steps `model` has taken, as an int."""
    return int(keras.ops.convert_to_numpy(model.optimizer.iterations))


class CheckpointManager:
    """Writes, lists and restores the checkpoints of one training run.

    Args:
        backup_dir: str. The directory of the checkpoint files.
        manifest_path: str. The manifest's path (outside `backup_dir`, so
            that it survives the deletion of the checkpoints at the end).
        log: callable taking a message. Reports fallbacks and clean-ups.
            Defaults to `print`.
    """

    def __init__(self, backup_dir, manifest_path, log=print):
        self.backup_dir = backup_dir
        self.manifest_path = manifest_path
        self.log = log

    def read_manifest(self):
        """The manifest, or an empty one if none was written yet.

        Raises:
            ValueError: if the manifest is damaged or not a manifest.
        """
        manifest = read_json(self.manifest_path, "checkpoint manifest")
        if manifest is None:
            return {"step": 0, "completed": False, "checkpoints": []}
        if not _is_manifest(manifest):
            raise ValueError(
                f"The checkpoint manifest {self.manifest_path} is not one "
                "this program wrote (expected keys `step`, `completed` and "
                f"`checkpoints`). Received: {json.dumps(manifest)[:200]}. "
                "Use another --output_dir, or delete the file (and "
                f"{self.backup_dir}) to start over."
            )
        return manifest

    def is_completed(self):
        """Whether the manifest marks the run as finished."""
        return bool(self.read_manifest()["completed"])

    def save(self, model, step=None):
        """Checkpoints `model` (with its optimizer) at `step`.

        `step` defaults to the optimizer's step count. The newest
        `NUM_KEPT` checkpoints stay listed; older files are deleted.
        """
        step = current_step(model) if step is None else int(step)
        os.makedirs(self.backup_dir, exist_ok=True)
        name = f"{CHECKPOINT_PREFIX}{step}{WEIGHTS_SUFFIX}"
        temporary = os.path.join(self.backup_dir, TEMPORARY_PREFIX + name)
        model.save_weights(temporary, overwrite=True)
        with open(temporary, "rb+") as file:
            os.fsync(file.fileno())
        checksum = file_sha256(temporary)
        os.replace(temporary, os.path.join(self.backup_dir, name))
        _sync_directory(self.backup_dir)
        previous = [
            entry
            for entry in self.read_manifest()["checkpoints"]
            if entry["step"] < step
        ]
        entries = [{"step": step, "file": name, "sha256": checksum}]
        entries += previous[: NUM_KEPT - 1]
        write_json(
            self.manifest_path,
            {"step": step, "completed": False, "checkpoints": entries},
        )
        self.remove_unlisted_files()

    def restore(self, model):
        """Loads the newest intact checkpoint into `model`; returns its step.

        Returns 0 (and leaves `model` as it is) when there is no
        checkpoint. A checkpoint that is missing, fails its checksum, does
        not load or holds another step than the manifest says is reported
        through `log` and skipped for the previous one.

        Raises:
            ValueError: if the manifest is damaged, or checkpoints are
                listed but none of them is intact.
        """
        entries = self.read_manifest()["checkpoints"]
        if not entries:
            self.remove_unlisted_files()
            return 0
        optimizer = model.optimizer
        if optimizer is not None and not optimizer.built:
            # Loading needs the optimizer's variables to exist.
            optimizer.build(model.trainable_variables)
        problems = []
        for entry in entries:
            problem = self._load(model, entry)
            if problem is None:
                if problems:
                    self.log(
                        "Warning: "
                        + " ".join(problems)
                        + f" Resuming from the checkpoint of step "
                        f"{entry['step']} instead."
                    )
                self.remove_unlisted_files()
                return entry["step"]
            problems.append(
                f"The checkpoint of step {entry['step']} "
                f"({os.path.join(self.backup_dir, entry['file'])}) {problem}."
            )
        raise ValueError(
            "No intact checkpoint is left to resume from. "
            + " ".join(problems)
            + f" Delete {self.backup_dir} and {self.manifest_path} to start "
            "over, or restore the files from a copy."
        )

    def mark_completed(self, step):
        """Records that the run finished `step` steps and wrote its outputs.

        The checkpoints are no longer needed: they are deleted afterwards.
        """
        write_json(
            self.manifest_path,
            {"step": int(step), "completed": True, "checkpoints": []},
        )
        if os.path.isdir(self.backup_dir):
            shutil.rmtree(self.backup_dir)

    def remove_unlisted_files(self):
        """Deletes checkpoint files the manifest does not name."""
        if not os.path.isdir(self.backup_dir):
            return
        listed = {
            entry["file"] for entry in self.read_manifest()["checkpoints"]
        }
        for name in os.listdir(self.backup_dir):
            if name not in listed and name.startswith(
                (CHECKPOINT_PREFIX, TEMPORARY_PREFIX)
            ):
                os.remove(os.path.join(self.backup_dir, name))

    def _load(self, model, entry):
        """Loads one checkpoint; returns None, or what is wrong with it."""
        path = os.path.join(self.backup_dir, entry["file"])
        if not os.path.isfile(path):
            return "is missing"
        if file_sha256(path) != entry["sha256"]:
            return "is corrupted (its SHA-256 checksum does not match)"
        try:
            model.load_weights(path)
        except Exception as error:  # h5py and Keras raise many kinds.
            return f"does not load ({type(error).__name__}: {error})"
        step = current_step(model)
        if step != entry["step"]:
            return f"holds the optimizer state of step {step}"
        return None


class CheckpointCallback(keras.callbacks.Callback):
    """Checkpoints at the end of every epoch, never after a non-finite loss.

    Use it after `keras.callbacks.TerminateOnNaN`: once a batch loss is NaN
    or infinite, training stops at the end of the batch, and this callback
    does not write the (broken) state; `failed_step` records the step.

    Args:
        manager: a `CheckpointManager`.
    """

    def __init__(self, manager):
        super().__init__()
        self.manager = manager
        self.failed_step = None

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not _is_finite(loss):
            self.failed_step = current_step(self.model)

    def on_epoch_end(self, epoch, logs=None):
        if self.failed_step is None:
            self.manager.save(self.model)


def _is_finite(value):
    value = float(keras.ops.convert_to_numpy(value))
    return value == value and abs(value) != float("inf")


def _is_manifest(manifest):
    if not isinstance(manifest, dict):
        return False
    entries = manifest.get("checkpoints")
    return (
        isinstance(manifest.get("step"), int)
        and isinstance(manifest.get("completed"), bool)
        and isinstance(entries, list)
        and all(
            isinstance(entry, dict)
            and isinstance(entry.get("step"), int)
            and isinstance(entry.get("file"), str)
            and isinstance(entry.get("sha256"), str)
            and os.path.basename(entry["file"]) == entry["file"]
            for entry in entries
        )
    )


def _sync_directory(path):
    """Flushes a directory entry (a rename) to disk, where supported."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
