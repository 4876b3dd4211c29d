"""What the Streamlit chat needs besides Streamlit: escaped rendering, the history store, transcripts."""
