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

Each context is three or four sentences of made-up facts about one
person, in a shuffled order and with varied wording: where they live or
were born, the job they do or wanted as a child, the instrument they play
or are learning, the year they married or graduated (one fact of each
kind). Each question asks for one of the facts, in words that differ from
the context's, and its answer is a span of the context; a small encoder
trained from scratch learns which kind of span answers which kind of
question. Names and cities include accented and other non-ASCII letters ("Zoë",
"São Paulo", "Kraków") so that the answers exercise the mapping from
token offsets back to the original text. The files are in the SQuAD v1.1
JSON format (`data/paragraphs/qas/answers`, with `answer_start` character
offsets). The script is deterministic: running it again rewrites the same
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

YEARS = [str(year) for year in range(1950, 2006)]

# Each relation: (values, context sentences, questions). `{name}` is the
# person, `{value}` the answer.
RELATIONS = {
    "home": (
        CITIES,
        ["{name} lives in {value}.", "These days {name} lives in {value}."],
        ["Where does {name} live?", "In which city does {name} live?"],
    ),
    "birthplace": (
        CITIES,
        ["{name} was born in {value}.", "{name} comes from {value}."],
        ["Where was {name} born?", "Which city does {name} come from?"],
    ),
    "job": (
        JOBS,
        [
            "{name} works as {a} {value}.",
            "{name} earns a living as {a} {value}.",
        ],
        ["What does {name} work as?", "What is the job of {name}?"],
    ),
    "dream": (
        JOBS,
        [
            "As a child {name} wanted to be {a} {value}.",
            "{name} once dreamed of being {a} {value}.",
        ],
        [
            "What did {name} want to be as a child?",
            "What did {name} dream of being?",
        ],
    ),
    "instrument": (
        INSTRUMENTS,
        [
            "{name} plays the {value}.",
            "In the evenings {name} plays the {value}.",
        ],
        ["Which instrument does {name} play?", "What does {name} play?"],
    ),
    "lessons": (
        INSTRUMENTS,
        [
            "{name} is learning the {value}.",
            "{name} takes lessons on the {value}.",
        ],
        ["Which instrument is {name} learning?", "What is {name} learning?"],
    ),
    "wedding": (
        YEARS,
        ["{name} got married in {value}.", "{name} married in {value}."],
        ["When did {name} get married?", "In which year did {name} marry?"],
    ),
    "graduation": (
        YEARS,
        [
            "{name} graduated in {value}.",
            "{name} finished university in {value}.",
        ],
        ["When did {name} graduate?", "In which year did {name} graduate?"],
    ),
}
# The relations of each kind of answer; a context has at most one of each.
PAIRS = [
    ("home", "birthplace"),
    ("job", "dream"),
    ("instrument", "lessons"),
    ("wedding", "graduation"),
]
NUM_FACTS_PER_CONTEXT = (3, 4)
NUM_QUESTIONS_PER_CONTEXT = 3


def make_context(rng, index, prefix):
    """One SQuAD paragraph: a context of facts and questions about it."""
    name = rng.choice(NAMES)
    facts = []
    for pair in rng.sample(PAIRS, rng.choice(NUM_FACTS_PER_CONTEXT)):
        relation = rng.choice(pair)
        facts.append((relation, rng.choice(RELATIONS[relation][0])))
    context = ""
    starts = {}
    for relation, value in facts:
        template = rng.choice(RELATIONS[relation][1])
        article = "an" if value[0] in "aeiou" else "a"
        sentence = template.format(name=name, value="\0", a=article)
        prefix_text = context + (" " if context else "")
        starts[relation] = len(prefix_text) + sentence.index("\0")
        context = prefix_text + sentence.replace("\0", value)
    qas = []
    questions = rng.sample(facts, NUM_QUESTIONS_PER_CONTEXT)
    for number, (relation, value) in enumerate(questions):
        answer_start = starts[relation]
        assert context[answer_start : answer_start + len(value)] == value
        qas.append(
            {
                "id": f"{prefix}-{index}-{number}",
                "question": rng.choice(RELATIONS[relation][2]).format(
                    name=name
                ),
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
