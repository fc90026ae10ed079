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

"""Writes the built-in question answering data of the span example.

Each context is a few sentences of made-up facts about one or two people
(where they live, what they work as, when they were born, which
instrument they play), in a shuffled order and with varied wording; each
question asks for one fact about one of the people named in the context,
and its answer is a span of the context. Names and cities include
accented and other non-ASCII letters ("Zoë", "São Paulo", "Kraków") so
that the answers exercise the mapping from token offsets back to the
original text. The files are in the SQuAD v1.1 JSON format
(`data/paragraphs/qas/answers`, with `answer_start` character offsets).
The script is deterministic: running it again rewrites the same
`train.json` and `dev.json`.

Usage:

```shell
python examples/bert_span_labeling/data/make_facts.py
```
"""

import json
import os
import random

SEED = 20260113
NUM_TRAIN_CONTEXTS = 360
NUM_DEV_CONTEXTS = 60

NAMES = [
    "Marta",
    "Tomás",
    "Zoë",
    "Björn",
    "Amélie",
    "Jürgen",
    "Inés",
    "Søren",
    "Chloé",
    "Noé",
    "Oliver",
    "Priya",
    "Kenji",
    "Fatima",
    "Lucas",
    "Hannah",
    "Diego",
    "Ana",
    "Łukasz",
    "Ólafur",
    "Renée",
    "Mateo",
    "Yusuf",
    "Elif",
]
CITIES = [
    "São Paulo",
    "Zürich",
    "Kraków",
    "Malmö",
    "Reykjavík",
    "Córdoba",
    "Montréal",
    "Lisbon",
    "Oslo",
    "Nairobi",
    "Kyoto",
    "Dublin",
    "Tunis",
    "Quito",
    "Hanoi",
    "Lyon",
    "Gdańsk",
    "Århus",
    "Bogotá",
    "Porto",
]
JOBS = [
    "baker",
    "nurse",
    "pilot",
    "teacher",
    "architect",
    "carpenter",
    "chemist",
    "journalist",
    "plumber",
    "gardener",
    "lawyer",
    "librarian",
    "firefighter",
    "photographer",
    "engineer",
    "chef",
]
INSTRUMENTS = [
    "cello",
    "guitar",
    "piano",
    "violin",
    "flute",
    "trumpet",
    "drums",
    "harp",
    "accordion",
    "clarinet",
    "saxophone",
    "ukulele",
]

# One template per fact: (context sentence, questions). `{name}` is the
# person, `{value}` the answer.
FACTS = {
    "city": (
        ["{name} lives in {value}.", "{name} has a flat in {value}."],
        ["Where does {name} live?", "In which city does {name} live?"],
    ),
    "job": (
        ["{name} works as a {value}.", "{name} is a {value} by trade."],
        ["What does {name} work as?", "What is the job of {name}?"],
    ),
    "year": (
        ["{name} was born in {value}.", "{name} was born in the year {value}."],
        ["When was {name} born?", "In which year was {name} born?"],
    ),
    "instrument": (
        ["{name} plays the {value}.", "On weekends {name} plays the {value}."],
        ["Which instrument does {name} play?", "What does {name} play?"],
    ),
}
VALUES = {
    "city": CITIES,
    "job": JOBS,
    "instrument": INSTRUMENTS,
    "year": [str(year) for year in range(1950, 2006)],
}


def make_context(rng, index, prefix):
    """One SQuAD paragraph: a context of facts and questions about it."""
    people = rng.sample(NAMES, rng.choice([1, 2, 2]))
    sentences = []
    facts = []
    for name in people:
        for fact in rng.sample(sorted(FACTS), 3):
            value = rng.choice(VALUES[fact])
            sentences.append((rng.choice(FACTS[fact][0]), name, value))
            facts.append((fact, name, value))
    rng.shuffle(sentences)
    context = ""
    starts = {}
    for template, name, value in sentences:
        sentence = template.format(name=name, value="\0")
        prefix_text = context + (" " if context else "")
        starts[(name, value)] = len(prefix_text) + sentence.index("\0")
        context = prefix_text + sentence.replace("\0", value)
    qas = []
    for number, (fact, name, value) in enumerate(rng.sample(facts, 3)):
        answer_start = starts[(name, value)]
        assert context[answer_start : answer_start + len(value)] == value
        qas.append(
            {
                "id": f"{prefix}-{index}-{number}",
                "question": rng.choice(FACTS[fact][1]).format(name=name),
                "answers": [{"text": value, "answer_start": answer_start}],
            }
        )
    return {"context": context, "qas": qas}


def make_file(rng, num_contexts, prefix, title):
    paragraphs = [make_context(rng, i, prefix) for i in range(num_contexts)]
    return {
        "version": "1.1",
        "data": [{"title": title, "paragraphs": paragraphs}],
    }


def main():
    rng = random.Random(SEED)
    directory = os.path.dirname(os.path.abspath(__file__))
    for name, num_contexts in (
        ("train", NUM_TRAIN_CONTEXTS),
        ("dev", NUM_DEV_CONTEXTS),
    ):
        data = make_file(rng, num_contexts, name, f"Made-up facts ({name})")
        with open(os.path.join(directory, f"{name}.json"), "w") as file:
            json.dump(data, file, ensure_ascii=False, indent=1)
            file.write("\n")


if __name__ == "__main__":
    main()
