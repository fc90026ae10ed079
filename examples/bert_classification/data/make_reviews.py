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

"""Writes the built-in movie review dataset of the classification example.

The sentences are short English movie reviews composed from hand-written
phrases: plain opinions ("The soundtrack was a real delight."), two
opinions joined by "and", contrasts whose verdict follows "but" ("The
plot was thin, but the acting carried the whole film."), negations ("The
ending was not boring at all.") and whole-review remarks ("I want my two
hours back."). Label 1 is positive, 0 negative. The script is
deterministic: running it again rewrites the same `train.tsv` and
`test.tsv` (a tab-separated `sentence` and `label` column with a header).

Usage:

```shell
python examples/bert_classification/data/make_reviews.py
```
"""

import csv
import os
import random

SEED = 20260101
NUM_TEST = 160

ASPECTS = [
    "the acting",
    "the story",
    "the soundtrack",
    "the dialogue",
    "the ending",
    "the cinematography",
    "the pacing",
    "the lead actor",
    "the script",
    "the special effects",
    "the cast",
    "this film",
    "this movie",
    "the humor",
    "the final act",
    "the villain",
    "the set design",
    "the opening scene",
    "the direction",
    "the score",
]

POSITIVE_PREDICATES = [
    "was wonderful",
    "was a real delight",
    "felt fresh and clever",
    "kept me smiling the whole time",
    "is beautifully done",
    "was moving and honest",
    "left me in awe",
    "deserves every award it gets",
    "was funny and warm",
    "was brilliant from start to finish",
    "is simply superb",
    "worked perfectly",
    "was charming",
    "was gripping",
    "felt genuinely inspired",
    "made the evening worthwhile",
    "was excellent",
    "is a joy to watch",
    "surprised me in the best way",
    "was touching",
]

NEGATIVE_PREDICATES = [
    "was dull",
    "was a complete mess",
    "felt lazy and predictable",
    "made me check my watch",
    "is painfully slow",
    "was boring and forgettable",
    "fell flat",
    "was a waste of time",
    "was awkward and clumsy",
    "is badly written",
    "ruined the whole experience",
    "was terrible",
    "felt cheap",
    "put me to sleep",
    "was confusing and pointless",
    "was disappointing",
    "was awful",
    "is hard to sit through",
    "annoyed me from the first minute",
    "was a letdown",
]

POSITIVE_ADJECTIVES = [
    "wonderful",
    "brilliant",
    "charming",
    "gripping",
    "delightful",
    "clever",
    "moving",
    "superb",
    "beautiful",
    "hilarious",
]

NEGATIVE_ADJECTIVES = [
    "dull",
    "boring",
    "clumsy",
    "predictable",
    "awful",
    "terrible",
    "tedious",
    "forgettable",
    "sloppy",
    "annoying",
]

POSITIVE_REMARKS = [
    "I would happily watch it again.",
    "Highly recommended for the whole family.",
    "One of the best films I have seen this year.",
    "I loved every minute of it.",
    "What a great way to spend an evening.",
    "My friends and I left the cinema smiling.",
    "It is a small masterpiece.",
    "I cannot wait to see it again with my parents.",
    "Go and see it, you will not regret it.",
    "A warm, funny and clever film.",
    "Easily the most enjoyable movie of the summer.",
    "It made me laugh and it made me cry.",
    "The audience applauded at the end.",
    "Five stars from me.",
    "I was hooked from the first scene.",
    "A beautiful film that stays with you.",
]

NEGATIVE_REMARKS = [
    "I want my two hours back.",
    "Avoid this one at all costs.",
    "One of the worst films I have seen this year.",
    "I hated almost every minute of it.",
    "What a terrible way to spend an evening.",
    "Half the audience walked out before the end.",
    "It is a total disaster.",
    "I would not recommend it to anyone.",
    "Save your money and stay at home.",
    "A dull, lazy and pointless film.",
    "Easily the most boring movie of the summer.",
    "I nearly fell asleep twice.",
    "Nobody in the cinema laughed once.",
    "One star, and that is generous.",
    "I gave up after the first hour.",
    "A forgettable film that wastes a good cast.",
]

# Neutral context appended to some opinions; it carries no sentiment.
CONTEXTS = [
    "",
    "",
    "",
    " I saw it last weekend.",
    " We watched it at home on a rainy Sunday.",
    " I went to the late show with my brother.",
    " My sister picked it for movie night.",
    " We rented it on a whim.",
    " I watched it on a long flight.",
]


def compose(rng):
    """Returns a list of (sentence, label) pairs, without duplicates."""
    examples = set()

    def opinion(label):
        aspect = rng.choice(ASPECTS)
        predicates = POSITIVE_PREDICATES if label else NEGATIVE_PREDICATES
        return aspect, rng.choice(predicates)

    # Plain opinions.
    for _ in range(260):
        label = rng.randint(0, 1)
        aspect, predicate = opinion(label)
        context = rng.choice(CONTEXTS)
        examples.add((f"{aspect.capitalize()} {predicate}.{context}", label))
    # Two opinions of the same polarity.
    for _ in range(140):
        label = rng.randint(0, 1)
        first, second = opinion(label), opinion(label)
        if first[0] == second[0]:
            continue
        sentence = f"{first[0].capitalize()} {first[1]}, and {second[0]} "
        examples.add((sentence + f"{second[1]}.", label))
    # Contrasts: the clause after "but" gives the verdict.
    for _ in range(120):
        label = rng.randint(0, 1)
        first, second = opinion(1 - label), opinion(label)
        if first[0] == second[0]:
            continue
        sentence = f"{first[0].capitalize()} {first[1]}, but {second[0]} "
        examples.add((sentence + f"{second[1]}.", label))
    # Negations.
    for _ in range(90):
        label = rng.randint(0, 1)
        aspect = rng.choice(ASPECTS).capitalize()
        if label:
            adjective = rng.choice(NEGATIVE_ADJECTIVES)
            template = rng.choice(
                ["{} was not {} at all.", "{} was never {}, not even once."]
            )
        else:
            adjective = rng.choice(POSITIVE_ADJECTIVES)
            template = rng.choice(
                ["{} was not {} at all.", "{} was far from {}."]
            )
        examples.add((template.format(aspect, adjective), label))
    # Whole-review remarks, alone or after an opinion of the same polarity.
    for label, remarks in ((1, POSITIVE_REMARKS), (0, NEGATIVE_REMARKS)):
        for remark in remarks:
            examples.add((remark, label))
            aspect, predicate = opinion(label)
            examples.add(
                (f"{aspect.capitalize()} {predicate}. {remark}", label)
            )
    examples = sorted(examples)
    rng.shuffle(examples)
    return examples


def write(path, examples):
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, delimiter="\t", lineterminator="\n")
        writer.writerow(["sentence", "label"])
        writer.writerows(examples)


def main():
    examples = compose(random.Random(SEED))
    directory = os.path.dirname(os.path.abspath(__file__))
    write(os.path.join(directory, "test.tsv"), examples[:NUM_TEST])
    write(os.path.join(directory, "train.tsv"), examples[NUM_TEST:])
    print(
        f"Wrote {len(examples) - NUM_TEST} training and {NUM_TEST} test "
        f"examples to {directory}."
    )


if __name__ == "__main__":
    main()
