"""Small helpers of the recommender pipeline, by hand."""

from __future__ import annotations

import pandas as pd

from journey.recommend.pipeline import filter_decisions


def test_filter_decisions_by_hand():
    decisions = pd.DataFrame(
        {
            "customer_id": pd.array(["C001", "c0010", "C100", "D001"], dtype="str"),
            "action": pd.array(["email", "sms", "email", "none"], dtype="str"),
        }
    )
    assert filter_decisions(decisions, " c001 ")["customer_id"].tolist() == ["C001", "c0010"]
    assert filter_decisions(decisions, "", ["email"])["customer_id"].tolist() == ["C001", "C100"]
    assert filter_decisions(decisions, "001", ["email", "none"]).index.tolist() == [0, 3]
    assert filter_decisions(decisions).equals(decisions)
