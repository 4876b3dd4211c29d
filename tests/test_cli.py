"""The CLI in-process with the fake embedder: output formats, one-line errors, exit codes."""

import json
import re

import pytest

from qa.cli import main


@pytest.fixture
def index(seed_policies, tmp_path, fake_model, capsys):
    folder = tmp_path / "index"
    assert main(["index", "build", "--policies", str(seed_policies), "--index", str(folder), "--quiet",
                 "--model", "fake-embedder"]) == 0
    capsys.readouterr()
    return folder


def test_build_prints_a_summary(seed_policies, tmp_path, fake_model, capsys):
    code = main(["index", "build", "--policies", str(seed_policies), "--index", str(tmp_path / "i"),
                 "--model", "fake-embedder"])
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("added 5, updated 0, removed 0, unchanged 0; 5 policies,")


def test_build_with_a_bad_file_names_it_and_exits_1(seed_policies, tmp_path, fake_model, capsys):
    (seed_policies / "broken.txt").write_bytes(b"\x00\x00\x00")
    code = main(["index", "build", "--policies", str(seed_policies), "--index", str(tmp_path / "i"),
                 "--model", "fake-embedder", "--quiet"])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.strip().splitlines() == ["error: broken.txt: looks like a binary file, not text"]
    assert "added 5" in captured.out


def test_status_lists_policies(index, capsys):
    assert main(["index", "status", "--index", str(index)]) == 0
    out = capsys.readouterr().out
    assert "model:     fake-embedder" in out and "concero" in out and "passages:" in out


def test_ask_json_passages_quote_the_policy(index, seed_policies, capsys):
    assert main(["ask", "Concero recordings 30 days", "--index", str(index), "--json", "--k", "2",
                 "--model", "fake-embedder"]) == 0
    result = json.loads(capsys.readouterr().out)
    # The fake embedder's similarities are not calibrated: abstaining or not, passages are shown.
    assert isinstance(result["abstained"], bool) and len(result["passages"]) >= 1 and result["latency_ms"] >= 0
    top = result["passages"][0]
    assert set(top) == {"policy", "name", "section", "start", "end", "text", "score", "highlights", "passage_id",
                        "similarity", "probability"}
    assert all(top["start"] <= s < e <= top["end"] for s, e in top["highlights"])
    text = (seed_policies / f"{top['policy']}.txt").read_text(encoding="utf-8")
    assert text[top["start"]:top["end"]] == top["text"]


def test_ask_human_output_is_one_block_per_company_with_verdict_and_quotes(index, capsys):
    assert main(["ask", "Concero", "recordings", "30", "days", "--index", str(index), "--k", "1"]) == 0
    out = capsys.readouterr().out
    # One company named: its block, headed by its verdict and label (or "Not stated"), no summary line.
    assert "\nConcero Technology Services: " in "\n" + out and "Say they" not in out
    head = next(line for line in out.splitlines() if line.startswith("Concero Technology Services: "))
    assert head.split(": ", 1)[1] in ("Not stated", "Stated — states it", "Stated — related passage")
    if head.endswith("Not stated"):
        assert "“" not in out
    else:  # each quote is cited with its section and offsets
        assert "§ Telephone Communications  [concero " in out
    assert ">>>" not in out and "Other passages" not in out  # passages only with --passages


def test_ask_for_every_company_prints_a_summary_and_a_block_each(index, capsys):
    assert main(["ask", "Which companies sell my data?", "--index", str(index)]) == 0
    out = capsys.readouterr().out
    summary = out.splitlines()[0]
    assert summary.startswith("Say they don't: ") and " · Don't say: " in summary and " · Say they do: " in summary
    for name in ("CT1 Technologies", "Concero Technology Services", "Core Office IT", "CloudSentric"):
        assert f"\n{name}: " in out  # answered or "Not stated", every company has its line


def test_other_passages_only_with_the_flag_and_never_marked_as_answers(index, capsys):
    assert main(["ask", "How long are call recordings kept?", "--index", str(index), "--passages"]) == 0
    out = capsys.readouterr().out
    assert "Other passages (not answers)" in out and ">>>" not in out and "<<<" not in out


def test_an_organisation_named_beside_an_indexed_one_gets_its_line(index, capsys):
    assert main(["ask", "Does Facebook or Concero sell my data?", "--index", str(index)]) == 0
    out = capsys.readouterr().out
    assert "Facebook: no policy indexed" in out and "\nConcero Technology Services: " in out
    assert "No policy indexed: Facebook" in out.splitlines()[0]  # the summary accounts for it too
    assert main(["ask", "Does Facebook or Concero sell my data?", "--index", str(index), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["not_indexed"] == ["Facebook"] and [a["policy"] for a in result["answers"]] == ["concero"]


def test_ask_warns_when_a_policy_changed_since_the_build_and_still_answers(index, seed_policies, capsys):
    with open(seed_policies / "concero.txt", "a", encoding="utf-8") as fh:
        fh.write("\nWe now keep recordings for ten years.\n")
    argv = ["ask", "call recordings", "--index", str(index), "--policies", str(seed_policies)]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.err.strip() == ("warning: concero changed since the index was built; "
                                    "run `policyqa index build`")
    assert "Concero Technology Services: " in captured.out
    assert main(argv + ["--json"]) == 0
    assert json.loads(capsys.readouterr().out)["changed_since_build"] == ["concero"]
    assert main(["index", "status", "--index", str(index), "--policies", str(seed_policies)]) == 0
    assert "[changed since build]" in capsys.readouterr().out  # the same check


def test_an_untouched_policy_folder_gives_no_warning(index, seed_policies, capsys):
    assert main(["ask", "call recordings", "--index", str(index), "--policies", str(seed_policies)]) == 0
    assert capsys.readouterr().err == ""


def test_batch_mode_keeps_input_order(index, tmp_path, capsys):
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"id": "a", "question": "cookies", "policy": "ct1-technologies"}\n'
                         '{"id": "b", "question": "call recordings"}\n')
    assert main(["ask", "--questions", str(questions), "--json", "--index", str(index)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert {p["policy"] for p in rows[0]["passages"]} == {"ct1-technologies"}


def test_batch_lines_of_one_conversation_are_turns_of_one_chat(index, tmp_path, capsys):
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"id": "1", "question": "What does Core Office collect about me?", "conversation": "c"}\n'
                         '{"id": "2", "question": "and who do they share it with?", "conversation": "c"}\n'
                         '{"id": "3", "question": "and who do they share it with?"}\n'
                         '{"id": "4", "question": "What does Facebook do with my data?"}\n')
    assert main(["ask", "--questions", str(questions), "--json", "--index", str(index)]) == 0
    rows = {r["id"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows["1"]["interpreted_as"] == rows["1"]["question"] and rows["1"]["routed"] == ["core-office-it"]
    assert rows["2"]["interpreted_as"] == "Who does Core Office IT share my data with?"
    assert rows["2"]["scope"] == ["core-office-it"]
    assert rows["3"]["interpreted_as"] == rows["3"]["question"] and len(rows["3"]["scope"]) == 5  # no conversation
    assert rows["4"]["not_indexed"] == ["Facebook"] and rows["4"]["abstained"] is True and rows["4"]["answers"] == []


@pytest.mark.parametrize("argv,message", [
    (["ask", "cookies", "--policy", "acme"], "unknown policy id 'acme'"),
    (["ask", ""], "question is empty"),
    (["ask", "cookies", "--k", "0"], "k must be >= 1, got 0"),
    (["ask"], "give a QUESTION or --questions FILE"),
])
def test_user_errors_are_one_line_with_exit_2(index, capsys, argv, message):
    code = main(argv + ["--index", str(index)])
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_missing_index_is_one_line_with_exit_1(tmp_path, capsys):
    code = main(["ask", "cookies", "--index", str(tmp_path / "none")])
    err = capsys.readouterr().err
    assert code == 1 and "run `policyqa index build`" in err and len(err.strip().splitlines()) == 1


def test_bad_batch_lines_are_reported_by_number(index, tmp_path, capsys):
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"id": "a", "question": "ok"}\nnot json\n{"id": "c"}\n')
    code = main(["ask", "--questions", str(questions), "--json", "--index", str(index)])
    err = capsys.readouterr().err
    assert code == 2 and "q.jsonl:2" in err and "q.jsonl:3" in err


def test_a_plain_value_error_is_a_bug_not_a_usage_error(monkeypatch, capsys):
    """Only the errors of qa.errors are one line; a ValueError from inside a command is reported as a bug."""
    import qa.cli.index

    def broken(args):
        int("not a number")

    monkeypatch.setattr(qa.cli.index, "cmd_index_status", broken)
    assert main(["index", "status"]) == 70
    err = capsys.readouterr().err
    assert "Traceback" in err and "ValueError" in err and "please report it" in err


@pytest.mark.parametrize("error,code", [
    ("DatasetError", 2), ("TopicsError", 2), ("AdapterError", 2),
    ("BuildLocked", 1), ("IndexUnavailable", 1), ("StoreError", 1), ("RerankerUnavailable", 1),
])
def test_each_user_error_is_one_line_with_its_exit_code(monkeypatch, capsys, error, code):
    import qa.cli.index
    import qa.errors

    def failing(args):
        raise getattr(qa.errors, error)("what went wrong, and how to fix it")

    monkeypatch.setattr(qa.cli.index, "cmd_index_status", failing)
    assert main(["index", "status"]) == code
    assert capsys.readouterr().err == "policyqa: error: what went wrong, and how to fix it\n"


@pytest.mark.parametrize("content,message", [
    ("not json", "is not JSON"),
    ('{"data": [{"title": "x"}]}', "is not SQuAD-format data (KeyError: 'paragraphs')"),
])
def test_a_squad_file_that_is_not_one_is_a_usage_error(tmp_path, capsys, content, message):
    path = tmp_path / "squad.json"
    path.write_text(content)
    assert main(["eval", "--squad", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_ask_text_and_json_show_the_same_quote_spans(index, capsys):
    question = ["ask", "Who do the companies share my data with?", "--index", str(index)]
    assert main(question + ["--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert main(question) == 0
    out = capsys.readouterr().out
    spans = [f"[{a['policy']} {q['start']}:{q['end']}]" for a in result["answers"] for q in a["quotes"]]
    shown = re.findall(r"\[[a-z0-9-]+ \d+:\d+\]", "\n".join(line for line in out.splitlines()
                                                          if "§" in line or line.strip().startswith("[")))
    assert spans and shown == spans
