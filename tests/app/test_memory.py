"""Sessions on the same data share one copy of its frames; a session's own data stays its own.

A server holds every open session's state, so a per-session copy of the events costs each
user its size again (the load test measured ~170 MiB a session before the frames were shared).
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.conftest import new_app
from ui.state import Key


def _scope(app: AppTest):
    return app.session_state[Key.SCOPE]


def test_sessions_on_the_sample_share_its_frames_until_one_filters():
    first, second = new_app(), new_app()
    one, two = _scope(first), _scope(second)
    assert not first.exception
    assert not second.exception
    assert one.key == two.key
    # the same objects, not equal copies: nothing is held twice
    assert one.dataset.events is two.dataset.events
    assert one.dataset.transcripts is two.dataset.transcripts
    assert one.all_events is two.all_events
    assert one.events is two.events
    assert one.transcripts is two.transcripts

    # a filter gives the first session frames of its own; the second keeps the shared ones
    first.multiselect(key=Key.CHANNELS).set_value(["Email"]).run()
    second.run()
    filtered, unfiltered = _scope(first), _scope(second)
    assert set(filtered.events["channel"]) == {"Email"}
    assert filtered.events is not unfiltered.events
    assert filtered.all_events is unfiltered.all_events  # filters never change prepared events
    assert unfiltered.events is two.events
    assert len(unfiltered.events) == len(two.events) > len(filtered.events)


def test_a_saved_rule_change_reaches_new_sessions_not_the_shared_old_copy(tmp_path, monkeypatch):
    monkeypatch.setenv("JOURNEY_WORKSPACE", str(tmp_path / "workspace.duckdb"))
    first = new_app()
    before = _scope(first)
    first.switch_page("views/rules.py").run()
    first.number_input(key="rules_onboarding_days").set_value(0).run()
    first.button(key="rules_save").click().run()
    assert not first.exception

    again = new_app()
    after = _scope(again)
    assert after.dataset.settings.onboarding_days == 0
    assert after.dataset.key != before.dataset.key
    assert after.all_events is not before.all_events  # prepared again under the new rules
    assert after.dataset.events.equals(before.dataset.events)  # the same rows were stored
