"""`python -m journey sentiment`: the CLI contract of DESIGN.md."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from journey.cli import main
from tests.conftest import ROOT

TRANSCRIPTS = """customer_id,timestamp,channel,text,label
c1,2025-03-01T10:00:00Z,Chat,"I have been on hold for two hours, still waiting",positive
c2,2025-03-01T11:00:00Z,Email,"Thank you, the refund arrived quickly. Great service!",negative
c3,2025-03-02T09:00:00Z,Chat,,neutral
c4,2025-03-02T09:30:00Z,Call,"Der Techniker kam nicht, niemand ruft zurück. Ärgerlich.",negative
c5,2025-03-02T10:00:00Z,Chat,"Agent: Thanks so much for calling, happy to help!
Customer: my bill is wrong again and nobody answers my emails",
"""

POLISH_TRAINING = "\n".join(
    ["text,label"]
    + [f'"Paczka nie dotarła, obsługa nie odpowiada, jestem bardzo zły {i}",negative' for i in
       range(12)]
    + [f'"Dziękuję, wszystko działa świetnie, bardzo szybka pomoc {i}",positive' for i in
       range(12)]
)  # fmt: skip


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sentiment_writes_input_rows_plus_three_columns(tmp_path, capsys):
    source = write(tmp_path, "t.csv", TRANSCRIPTS)
    out = tmp_path / "out" / "scored.csv"
    assert main(["sentiment", str(source), "--out", str(out)]) == 0
    scored = pd.read_csv(out, dtype={"sentiment_label": "string"})
    assert list(scored.columns[-3:]) == ["sentiment_score", "sentiment_label", "language"]
    assert scored["customer_id"].tolist() == ["c1", "c2", "c3", "c4", "c5"]
    # a label column in TRANSCRIPTS is never used: row 1 is labelled positive, reads negative
    assert scored["sentiment_label"].tolist() == [
        "negative",
        "positive",
        "unscored",
        "unscored",
        "negative",
    ]
    assert scored["language"].tolist() == ["en", "en", "en", "de", "en"]
    assert scored["sentiment_score"].isna().tolist() == [False, False, True, True, False]
    assert scored["sentiment_score"].dropna().between(-1, 1).all()
    err = capsys.readouterr().err
    assert "5 rows read, 5 accepted" in err
    assert "unscored: 1 rows, no model for language 'de'" in err
    assert "unscored: 1 rows, empty text" in err


def test_sentiment_scores_a_file_of_texts_without_customers(tmp_path):
    source = write(tmp_path, "posts.csv", "text,label\n@united lost my bag again,negative\nok,\n")
    out = tmp_path / "posts_scored.csv"
    assert main(["sentiment", str(source), "--out", str(out)]) == 0
    scored = pd.read_csv(out)
    assert scored.columns.tolist() == [
        "text",
        "label",
        "sentiment_score",
        "sentiment_label",
        "language",
    ]
    assert scored["sentiment_label"].tolist() == ["negative", "neutral"]
    assert scored["language"].tolist() == ["en", "en"]


def test_sentiment_train_scores_the_rows_of_the_model_language(tmp_path, capsys):
    transcripts = write(
        tmp_path,
        "pl.csv",
        "customer_id,text\n"
        'k1,"Paczka nie dotarła i nikt nie odpowiada, jestem zły"\n'
        'k2,"Dziękuję, wszystko działa świetnie"\n'
        'k3,"Der Techniker kam nicht, sehr ärgerlich und enttäuschend"\n',
    )
    labelled = write(tmp_path, "labelled.csv", POLISH_TRAINING)
    model_file = tmp_path / "models" / "pl.json.gz"
    out = tmp_path / "scored.csv"
    args = ["sentiment", str(transcripts), "--train", str(labelled), "--out", str(out)]
    assert main([*args, "--save-model", str(model_file)]) == 0
    scored = pd.read_csv(out)
    assert scored["language"].tolist() == ["pl", "pl", "de"]
    assert scored["sentiment_label"].tolist() == ["negative", "positive", "unscored"]
    assert "languages: pl" in capsys.readouterr().err
    again = tmp_path / "again.csv"
    assert (
        main(["sentiment", str(transcripts), "--model", str(model_file), "--out", str(again)]) == 0
    )
    pd.testing.assert_frame_equal(pd.read_csv(again), scored)


@pytest.mark.parametrize(
    ("labelled", "message"),
    [
        ("words,label\nhello,positive\n", "column 'text': no such column"),
        ("text,label\nhello,positive\nbye,meh\n", "row 2, column 'label': label 'meh'"),
    ],
)
def test_sentiment_bad_training_file_exits_2(tmp_path, capsys, labelled, message):
    transcripts = write(tmp_path, "t.csv", TRANSCRIPTS)
    train = write(tmp_path, "l.csv", labelled)
    code = main(
        ["sentiment", str(transcripts), "--train", str(train), "--out", str(tmp_path / "o")]
    )
    assert code == 2
    assert message in capsys.readouterr().err


def test_sentiment_runs_as_a_module(tmp_path):
    source = write(tmp_path, "t.csv", "text\nthe app keeps crashing, useless\n")
    out = tmp_path / "o.csv"
    done = subprocess.run(
        [sys.executable, "-m", "journey", "sentiment", str(source), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert pd.read_csv(out)["sentiment_label"].tolist() == ["negative"]


def test_rows_the_reader_cannot_take_whole_are_kept_unscored_and_reported(tmp_path, capsys):
    source = tmp_path / "posts.csv"
    source.write_text(
        "text,label\nThe refund never came,negative\nthanks, quick,rebooking,positive\n"
        "Great help today,positive\n",
        encoding="utf-8",
    )
    out = tmp_path / "scored.csv"
    assert main(["sentiment", str(source), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "1 rows could not be read whole" in err
    assert "row 2: expected 2 fields, found 4" in err
    result = pd.read_csv(out, keep_default_na=False)
    assert len(result) == 3
    assert result["sentiment_label"].tolist()[1] == "unscored"
    assert result["sentiment_score"].tolist()[1] == ""
    assert main(["sentiment", str(source), "--strict", "--out", str(out)]) == 2
