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

"""Named presets: Google's public BERT and ALBERT checkpoints by name.

`keras_nlp.presets.resolve_preset("bert_base_en_uncased")` downloads the
original checkpoint once (with a progress bar), checks it, converts it into a
keras_nlp preset directory with `keras_nlp.conversion.convert_to_preset` and
caches it under `~/.cache/keras_nlp/presets` (or `$KERAS_NLP_CACHE/presets`);
the `from_preset` methods of encoders, tokenizers and task models resolve
names through it, so `keras_nlp.encoders.BertEncoder.from_preset(
"bert_base_en_uncased")` works as a path does. `list_presets()` lists the
names and `preset_info(name)` tells where each comes from.

The names, and the archives of github.com/google-research/bert and
github.com/google-research/albert they stand for:

- `bert_base_en_uncased`, `bert_base_en`: `uncased_L-12_H-768_A-12` and
  `cased_L-12_H-768_A-12` (2018-10-18); `bert_large_en_uncased`,
  `bert_large_en`: `uncased_L-24_H-1024_A-16`, `cased_L-24_H-1024_A-16`.
- `bert_large_en_uncased_wwm`, `bert_large_en_wwm`: the whole-word-masking
  `wwm_uncased_L-24_H-1024_A-16`, `wwm_cased_L-24_H-1024_A-16`.
- `bert_base_multi`, `bert_base_multi_uncased`: `multi_cased_L-12_H-768_A-12`
  and `multilingual_L-12_H-768_A-12`; `bert_base_zh`:
  `chinese_L-12_H-768_A-12`.
- `bert_l{L}_h{H}_en_uncased`: the 24 small BERTs of 2020-02-20,
  `uncased_L-{L}_H-{H}_A-{H/64}` for L in 2, 4, ..., 12 and H in 128, 256,
  512, 768. The paper's names are aliases: `bert_tiny_en_uncased` (L-2
  H-128), `bert_mini_en_uncased` (L-4 H-256), `bert_small_en_uncased` (L-4
  H-512), `bert_medium_en_uncased` (L-8 H-512).
- `albert_{size}_en_{version}`: `albert_{size}_{version}.tar.gz` for size
  base, large, xlarge, xxlarge and version v1, v2.

Names without `_uncased` (`bert_base_en`, `bert_base_multi`) are cased, as
in keras-hub, except `bert_base_zh`, whose vocabulary is lower-case. The
12-layer, 768-hidden model of the small-BERT release is
`bert_l12_h768_en_uncased`, a re-training distinct from the original
`bert_base_en_uncased`.

Example:

```python
print(keras_nlp.presets.list_presets()[:3])
print(keras_nlp.presets.preset_info("albert_base_en_v2")["url"])
```
"""

from keras_nlp.presets.resolver import list_presets
from keras_nlp.presets.resolver import preset_info
from keras_nlp.presets.resolver import resolve_preset
