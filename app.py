"""The policyqa chat page (Streamlit): ask a question, get cited passages from the policies."""

from __future__ import annotations

import streamlit as st

from qa.engine import Engine
from qa.settings import index_dir

st.set_page_config(page_title="policyqa", page_icon="🔎")


@st.cache_resource(show_spinner="Loading the index and the model…")
def load_engine(folder: str) -> Engine:
    return Engine.open(folder)


st.title("policyqa")
st.caption("Ask what the privacy policies say. Every answer is a quotation, cited.")
try:
    engine = load_engine(str(index_dir()))
except Exception as err:  # IndexUnavailable / ModelLoadError carry a one-line fix
    st.error(str(err))
    st.stop()

if "history" not in st.session_state:
    st.session_state.history = []
for role, content in st.session_state.history:
    with st.chat_message(role):
        st.text(content)

question = st.chat_input("Ask about the policies, e.g. How long does Concero keep call recordings?")
if question:
    st.session_state.history.append(("user", question))
    with st.chat_message("user"):
        st.text(question)
    with st.chat_message("assistant"):
        try:
            hits = engine.search(question, k=5)
        except ValueError as err:
            st.warning(str(err))
        else:
            lines = [f"{h.name} — {h.section}\n{h.text}" for h in hits]
            for line in lines:
                st.text(line)
            st.session_state.history.append(("assistant", "\n\n".join(lines)))
