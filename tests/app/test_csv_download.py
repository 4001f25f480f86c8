"""CSV downloads: small frames are written at once, big ones only when the button is clicked."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page(rows: int) -> AppTest:
    def script(rows: int) -> None:
        import pandas as pd

        from ui import widgets

        frame = pd.DataFrame({"customer_id": [f"C{i}" for i in range(rows)], "x": ["=1+1"] * rows})
        widgets.download_csv(frame, "out.csv", key="csv")

    app = AppTest.from_function(script, args=(rows,), default_timeout=60)
    return app.run()


def test_a_small_frame_is_written_with_the_page():
    app = _page(3)
    button = app.get("download_button")[0]
    assert not button.proto.deferred_file_id
    assert button.proto.url  # the CSV is already in the media store
    assert not button.proto.ignore_rerun


def test_a_big_frame_is_written_on_click_only():
    from ui import widgets

    app = _page(widgets.DEFERRED_CSV_ROWS + 1)
    button = app.get("download_button")[0]
    assert button.proto.deferred_file_id  # built by a callable when clicked
    assert not button.proto.url
    assert button.proto.ignore_rerun
