"""The Streamlit elements every part of the chat page puts text with: `qa.chat.render`'s HTML, alerts whose
text is shown literally, `render`'s fixed scripts, and expanders built only once opened."""

from __future__ import annotations

import streamlit as st

from qa.chat import render
from qa.search.engine import Engine


def show_html(html: str) -> None:
    """Put `qa.chat.render` output on the page (the only caller of unsafe_allow_html)."""
    st.markdown(html, unsafe_allow_html=True)


def run_script(script: str) -> None:
    """Run one of `qa.chat.render`'s fixed scripts in the page (never built from user or policy text)."""
    st.html(script, unsafe_allow_javascript=True, width="content")


def say(kind: str, text: str) -> None:
    """An st.error / st.warning / st.info / st.success whose text is shown literally."""
    # Alerts read Markdown; character references are shown as the characters they stand for. Labels
    # (tabs, buttons, expanders, inputs) read it too, so any policy or user text in them is escaped alike.
    getattr(st, kind)(render.escape_text(text))


def lazy_expander(label: str, key: str, icon: str | None = None):
    """An expander whose content is built only once it is opened (it reruns the page when toggled).

    Returns the expander, or None when it is closed: a long conversation sends only what is open.
    """
    box = st.expander(label, icon=icon, key=key, on_change="rerun")
    return box if box.open else None


def policy_names(engine: Engine) -> list[str]:
    return [p.name for p in engine.policies.values()]
