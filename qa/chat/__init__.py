"""The Streamlit chat: the page's parts (`app.py` puts them together) and what they need besides Streamlit
(escaped rendering, the history store, transcripts)."""
