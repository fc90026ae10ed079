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

"""Runs a Hugging Face BERT or ALBERT model on saved inputs (a script).

Usage: python torch_reference.py MODEL_DIR INPUTS.npz OUTPUTS.npz

Run by `keras_nlp.conversion.verification` in a subprocess, so that torch
never shares a process with TensorFlow. It imports only NumPy, torch and
`transformers`, and exits with status 3 when those are missing.
"""

import sys

import numpy as np


def main(model_dir, inputs_path, outputs_path):
    try:
        import torch
        import transformers
    except ImportError as error:
        print(error, file=sys.stderr)
        return 3
    with np.load(inputs_path) as stored:
        inputs = {name: stored[name] for name in stored.files}
    heads = "masked_lm_positions" in inputs
    model_class = transformers.AutoModel
    if heads:
        model_class = transformers.AutoModelForPreTraining
    model = model_class.from_pretrained(model_dir, use_safetensors=True)
    model.eval()
    with torch.no_grad():
        outputs = model(
            input_ids=torch.tensor(inputs["input_word_ids"]).long(),
            attention_mask=torch.tensor(inputs["input_mask"]).long(),
            token_type_ids=torch.tensor(inputs["input_type_ids"]).long(),
            output_hidden_states=True,
        )
    if heads:
        base = getattr(model, model.base_model_prefix)
        with torch.no_grad():
            encoded = base(
                input_ids=torch.tensor(inputs["input_word_ids"]).long(),
                attention_mask=torch.tensor(inputs["input_mask"]).long(),
                token_type_ids=torch.tensor(inputs["input_type_ids"]).long(),
            )
        sequence = encoded.last_hidden_state.numpy()
        pooled = encoded.pooler_output.numpy()
        logits = outputs.prediction_logits.numpy()
        positions = inputs["masked_lm_positions"]
        mlm_logits = np.take_along_axis(logits, positions[..., None], axis=1)
        result = {
            "sequence_output": sequence,
            "pooled_output": pooled,
            "mlm_logits": mlm_logits,
        }
    else:
        result = {
            "sequence_output": outputs.last_hidden_state.numpy(),
            "pooled_output": outputs.pooler_output.numpy(),
        }
    np.savez(outputs_path, **result)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
