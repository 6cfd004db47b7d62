"""Form definitions as frozen dataclasses, built only by forms.loader.

A FormDefinition never changes after loading, so one instance can serve every validation
of submissions made with that form version.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from forms.expressions import Expression

QUESTION_TYPES: Final = (
    "text",
    "integer",
    "decimal",
    "select_one",
    "select_multiple",
    "date",
    "geopoint",
    "photo",
    "note",
    "calculate",
    "group",
    "repeat",
)
CONTAINER_TYPES: Final = frozenset({"group", "repeat"})
ANSWERED_TYPES: Final = frozenset(QUESTION_TYPES) - {"note", "calculate", "group"}
"""Types whose value a client sends (a repeat is sent as a list of items)."""

FactScalar = None | bool | int | str


@dataclass(frozen=True, slots=True)
class Text:
    """A UI string in Vietnamese (first language) and English."""

    vi: str
    en: str


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a choice list; `fact` is what the scoring facts receive for it."""

    value: str
    label: Text
    fact: FactScalar
    provisional: bool = False


@dataclass(frozen=True, slots=True)
class ChoiceList:
    """A named, ordered list of options shared by select questions."""

    name: str
    choices: tuple[Choice, ...]

    def values(self) -> frozenset[str]:
        return frozenset(choice.value for choice in self.choices)

    def get(self, value: str) -> Choice | None:
        return next((choice for choice in self.choices if choice.value == value), None)


@dataclass(frozen=True, slots=True)
class Question:
    """Any node of a form: a question, a note, a calculation, a group or a repeat.

    `path` is the JSON path of the node in its definition file, used in error messages.
    """

    id: str
    type: str
    path: str
    label: Text | None = None
    hint: Text | None = None
    required: bool = False
    relevant: Expression | None = None
    constraint: Expression | None = None
    constraint_message: Text | None = None
    calculation: Expression | None = None
    choice_list: ChoiceList | None = None
    minimum: int | Decimal | None = None
    maximum: int | Decimal | None = None
    min_count: int | None = None
    max_count: int | None = None
    max_length: int | None = None
    children: tuple[Question, ...] = ()
    fact: str | None = None
    provisional: bool = False

    def walk(self) -> Iterator[Question]:
        """Yield this node and its descendants in document order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def members(self) -> Iterator[Question]:
        """Yield the descendants of a group or repeat, skipping the node itself."""
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class FormDefinition:
    """One version of one form. `checksum` is the sha256 of its canonical JSON."""

    id: str
    version: str
    title: Text
    sections: tuple[Question, ...]
    choice_lists: Mapping[str, ChoiceList]
    checksum: str
    description: Text | None = None
    provisional: bool = False
    source: str | None = None

    def walk(self) -> Iterator[Question]:
        """Yield every node of the form in document order."""
        for section in self.sections:
            yield from section.walk()

    def question(self, question_id: str) -> Question:
        """Return the node with this id; raise KeyError when there is none."""
        for node in self.walk():
            if node.id == question_id:
                return node
        raise KeyError(question_id)

    def repeats(self) -> tuple[Question, ...]:
        return tuple(node for node in self.walk() if node.type == "repeat")
