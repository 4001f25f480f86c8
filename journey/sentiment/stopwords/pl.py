"""Polish stop words, written for Journey Atlas (no negations: "nie", "nigdy" stay)."""

from __future__ import annotations

from typing import Final

WORDS: Final = frozenset(
    [
        "a", "aby", "albo", "ale", "bo", "by", "być", "był", "była", "było", "będzie", "ci",
        "co", "czy", "dla", "do", "gdy", "gdzie", "go", "i", "ich", "im", "ja", "jak", "jako",
        "jej", "jest", "jestem", "jesteś", "już", "jego", "ku", "lub", "ma", "mam", "mi",
        "mnie", "mój", "moja", "moje", "mojego", "mojej", "moim", "my", "na", "nad", "nas", "o",
        "od", "on", "ona", "one", "oni", "ono", "oraz", "po", "pod", "przez", "przy", "się",
        "sobie", "są", "ta", "tak", "także", "te", "tego", "tej", "ten", "też", "to", "tu",
        "ty", "tym", "u", "w", "we", "wy", "z", "za", "ze", "że", "żeby", "który", "która",
        "które", "którzy", "kiedy", "bardzo", "pan", "pani", "państwo", "tylko", "teraz",
        "może",
    ]
)  # fmt: skip
