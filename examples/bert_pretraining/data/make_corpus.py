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

"""Writes the built-in pretraining corpus from the review sentences.

The corpus is the text of the classification example's training reviews
(`examples/bert_classification/data/train.tsv`; its held-out test.tsv is
not used), without labels, in the original BERT pretraining format: one
sentence per line, and a blank line between documents. Each document
gathers three to seven consecutive reviews. The script is deterministic.

Usage:

```shell
python examples/bert_pretraining/data/make_corpus.py
```
"""

import csv
import os
import random
import re

SEED = 20260102
DIRECTORY = os.path.dirname(os.path.abspath(__file__))
REVIEWS = os.path.join(
    DIRECTORY, "..", "..", "bert_classification", "data", "train.tsv"
)


def main():
    with open(REVIEWS, encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE)
        reviews = [row["sentence"] for row in reader]
    rng = random.Random(SEED)
    documents = []
    while reviews:
        size = rng.randint(3, 7)
        documents.append(reviews[:size])
        reviews = reviews[size:]
    path = os.path.join(DIRECTORY, "corpus.txt")
    with open(path, "w", encoding="utf-8") as file:
        for index, document in enumerate(documents):
            if index:
                file.write("\n")
            for review in document:
                # One sentence per line.
                for sentence in re.split(r"(?<=[.!?]) +(?=[A-Z])", review):
                    file.write(sentence + "\n")
    print(f"Wrote {len(documents)} documents to {path}.")


if __name__ == "__main__":
    main()
