"""Labels of data nodes, so the nodes the query layer generates never merge with data.

The flows generate Start, Converted, No conversion and Other; paths name missing values
"(missing)" and funnels "(no further events)" (`schema.GENERATED_NODES`). A data value equal to
one of these names is shown as "<name> (<level>)", e.g. "Converted (touchpoint)" or
"Other (channel)"; should the data hold that label too, a number follows the level
("Other (channel 2)"). Every output at a level (flows, node stats, funnels, both engines)
labels its data values this way, so in any result a name equal to a generated name *is* the
generated node, and the same data value has the same label in every table and chart.
The team view's "Other teams" is written into the data columns, so the team view (`ui.handle`)
labels the team's own values of that name the same way before it does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from journey.schema import GENERATED_NODES


def data_labels(
    names: Iterable[str], level: str, generated: Sequence[str] = GENERATED_NODES
) -> dict[str, str]:
    """Map each data value equal to a generated name to its label; other values keep theirs.

    Args:
        names: Every distinct data value at the level (at least all that start with a
            generated name: only those can collide with a label).
        level: The column the values come from, shown in the label.
        generated: The generated names (the team view's "Other teams" is one more).
    """
    taken = {str(name) for name in names}
    clashes = [name for name in generated if name in taken]
    taken.update(generated)
    labels: dict[str, str] = {}
    for name in clashes:  # in `generated` order: deterministic whatever the input order
        label, number = f"{name} ({level})", 2
        while label in taken:
            label, number = f"{name} ({level} {number})", number + 1
        taken.add(label)
        labels[name] = label
    return labels


def label_names(names: np.ndarray, level: str) -> np.ndarray:
    """Return the data values `names` (distinct) with their labels, as an object array."""
    labels = data_labels(names.tolist(), level)
    return np.asarray([labels.get(str(name), str(name)) for name in names], dtype=object)
