"""Step 1: reading policy files (text, PDF, HTML, .docx) into policies, sections, passages and uploads."""
