"""Adding a policy from the chat: the "Add a policy" form (files, then a name and aliases for each, suggested
from its title), then saving the files and rebuilding the index. An upload is read in a child process
(`qa.ingest.uploads`), never parsed in the server."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from qa.chat.elements import policy_names, say
from qa.chat.indexing import announce_and_reload, rebuild_index
from qa.config import BuildSettings, policies_dir
from qa.ingest.aliases import name_from_title, title_of
from qa.ingest.formats import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, PolicyFileError
from qa.ingest.policy_toml import write_policy_entry
from qa.ingest.uploads import Upload, UploadRejected, save_uploads, validate_upload
from qa.search.engine import Engine
from qa.search.names import suggest_aliases, validate_alias

UPLOAD_LIMIT_MB = DEFAULT_MAX_BYTES // 1_000_000  # the uploader states the limit the build enforces
STORE_UPLOAD_NOTE = ("This chat reads a shared PostgreSQL store (`$POLICYQA_STORE`); it does not change it. "
                     "Add policies with `policyqa index add --store URL FILE` where the policies folder is.")


@dataclass(frozen=True)
class NewPolicy:
    """An uploaded file with the display name and aliases the user gave it."""

    upload: Upload
    policy_id: str
    name: str
    aliases: list[str]


def upload_form(engine: Engine) -> tuple[list[NewPolicy], bool] | None:
    """The "Add a policy" box: files, then a name and aliases for each (prefilled from its title).

    Returns (new policies, replace) when the user asked to add them.
    """
    round_ = st.session_state.get("upload_round", 0)
    with st.expander("Add a policy", icon=":material/upload_file:", expanded=False):
        files = st.file_uploader("Policy files", type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES],
                                 accept_multiple_files=True, max_upload_size=UPLOAD_LIMIT_MB,
                                 key=f"upload-{round_}",
                                 help=f"Up to {UPLOAD_LIMIT_MB} MB each. Saved into the policies folder, "
                                      "then added to the index.")
        new: list[NewPolicy] = []
        problems: list[str] = []
        taken = policy_names(engine) + [a for p in engine.policies.values() for a in p.aliases]
        for i, file in enumerate(files or []):
            upload = Upload(file.name, file.getvalue())
            try:
                filename = validate_upload(upload)
            except PolicyFileError as err:
                problems.append(str(err))
                continue
            text = _upload_text(upload, filename)
            name, aliases = suggested_names(text, taken)
            policy_id = Path(filename).stem
            # The file name is safe_filename's [a-z0-9._-] and stays readable to screen readers unescaped.
            name = st.text_input(f"Name of {filename}", value=name or policy_id, key=f"name-{round_}-{i}")
            aliases_text = st.text_input("Other names people use (comma-separated)", value=", ".join(aliases),
                                         key=f"aliases-{round_}-{i}")
            aliases, left_out = usable_aliases(aliases_text, policy_id, taken)
            for problem in left_out:
                say("warning", problem)
            new.append(NewPolicy(upload, policy_id, name.strip() or policy_id, aliases))
        for problem in problems:
            say("error", problem)
        replace = st.checkbox("Replace existing", key=f"replace-{round_}",
                              help="Replace a policy whose file has the same name (any format).")
        clicked = st.button("Add to the index", key="add-policy-submit", type="primary",
                            disabled=not new or bool(problems))
    return (new, replace) if clicked and new else None


def _upload_text(upload: Upload, filename: str) -> str:
    """The text of an upload that `validate_upload` accepted, as its child process read it (never parsed
    in the server process)."""
    from qa.ingest.uploads import upload_text

    return upload_text(upload, filename)


def suggested_names(text: str, taken: list[str]) -> tuple[str, list[str]]:
    """A display name and aliases for a new policy from its title; `taken`: other policies' names."""
    title = title_of(text)
    return name_from_title(title), suggest_aliases(title, taken=taken)


def usable_aliases(typed: str, policy_id: str, taken: list[str]) -> tuple[list[str], list[str]]:
    """The comma-separated aliases in `typed` that can route questions, and why the others cannot."""
    aliases, problems = [], []
    for alias in dict.fromkeys(a.strip() for a in typed.split(",") if a.strip()):
        problem = validate_alias(alias, policy_id, taken)
        if problem:
            problems.append(f"Left out: {problem}.")
        else:
            aliases.append(alias)
    return aliases, problems


def add_policies(engine: Engine, new: list[NewPolicy], replace: bool) -> None:
    """Save the uploaded files (all or none), write their names into policies.toml, rebuild the index."""
    try:
        written = save_uploads([n.upload for n in new], policies_dir(), replace=replace)
    except UploadRejected as err:
        for reason in err.reasons:
            say("error", reason)
        return
    for item in new:
        try:
            write_policy_entry(policies_dir(), item.policy_id, item.name, item.aliases)
        except (ValueError, OSError) as err:
            say("warning", f"{item.name}: the name was not saved ({err}); the policy is named after its file.")
    names = ", ".join(n.name for n in new)
    settings = BuildSettings(**engine.index.manifest["settings"])  # same settings: unchanged passages are reused
    report = rebuild_index(settings, lambda: engine.embedder, "Adding it to the index…")
    if report is None:
        say("warning", f"{', '.join(p.name for p in written)} was saved in the policies folder but is not in the "
                       "index yet; the chat still answers from the previous index. Run `policyqa index build` "
                       "to retry.")
        return
    announce_and_reload([("success", f"{names} added — ask about it now.")], report)
