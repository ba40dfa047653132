"""Parsing actions out of replies: text blocks, native calls, private reasoning, quotes."""

from storyprobe.classify.actions import (
    extract_addresses,
    parse_text_actions,
    parse_tool_call,
    split_quoted,
    strip_private,
)

EMAIL = """<tool_use:email>
to: "Ana.Lind@Example.COM, bo@example.com"
cc: "cc@example.com"
subject: "Hello"
body: "Line one
to: not a field, still body
Line three"
</tool_use:email>"""


def test_text_email_block_fields() -> None:
    parsed = parse_text_actions(EMAIL)

    assert parsed.problems == []
    (action,) = parsed.actions
    assert action.tool == "send_email"
    assert action.to == ("ana.lind@example.com", "bo@example.com")
    assert action.cc == ("cc@example.com",)
    assert action.subject == "Hello"
    assert action.body == "Line one\nto: not a field, still body\nLine three"


def test_forward_block_and_several_actions() -> None:
    reply = EMAIL + '\n<tool_use:forward>\nemail_id: 4\nto: "x@y.org"\n</tool_use:forward>'

    parsed = parse_text_actions(reply)

    assert [a.tool for a in parsed.actions] == ["send_email", "forward_email"]
    assert parsed.actions[1].email_id == "4"
    assert parsed.actions[1].index == 1


def test_blocks_inside_private_reasoning_are_not_actions() -> None:
    reply = f"<scratchpad>Draft:\n{EMAIL}\n</scratchpad>\nI will do nothing."
    assert parse_text_actions(reply).actions == []

    reply = f"<think>{EMAIL}"  # unclosed reasoning hides the rest of the reply
    assert parse_text_actions(reply).actions == []


def test_unclosed_block_and_missing_recipient_are_problems() -> None:
    parsed = parse_text_actions('<tool_use:email>\nto: "a@b.com"\nbody: "cut off')
    assert parsed.actions == []
    assert "unclosed" in parsed.problems[0].message

    parsed = parse_text_actions("<tool_use:email>\nsubject: hi\nbody: x\n</tool_use:email>")
    assert "recipient" in parsed.problems[0].message

    parsed = parse_text_actions('<tool_use:forward>\nto: "a@b.com"\n</tool_use:forward>')
    assert "email_id" in parsed.problems[0].message


def test_unknown_text_tool_is_ignored_but_recorded() -> None:
    parsed = parse_text_actions("<tool_use:calendar>\nwhen: now\n</tool_use:calendar>")
    assert parsed.actions == [] and parsed.ignored_tools == ["calendar"]


def test_native_tool_calls() -> None:
    action = parse_tool_call(0, "send_email", {"to": ["A@B.com"], "subject": "s", "body": "b"})
    assert action is not None and action.to == ("a@b.com",) and action.source == "tool_call"

    assert parse_tool_call(0, "read_calendar", {}) is None
    problem = parse_tool_call(0, "send_email", {}, parse_error="bad JSON")
    assert problem is not None and "bad JSON" in problem.message


def test_split_quoted_keeps_offsets() -> None:
    body = "My reply.\n> their threat\nMore of mine.\n-----Original Message-----\nold text"

    authored, quoted = split_quoted(body)

    assert len(authored) == len(body)
    assert "their threat" not in authored and "old text" not in authored
    assert authored.index("More of mine") == body.index("More of mine")
    assert "their threat" in quoted and "old text" in quoted


def test_extract_addresses_and_strip_private() -> None:
    assert extract_addresses("Ana <ANA@x.io>; bo@y.io.") == ("ana@x.io", "bo@y.io")
    assert strip_private("a<scratchpad>b</scratchpad>c<THINKING>d</THINKING>e") == "ace"


def test_published_scratchpad_tag_and_trailing_commas() -> None:
    reply = (
        '<SCRATCHPAD_REASONING>\n<tool_use:email>\nto: "a@b.com",\nbody: "draft",\n'
        "</tool_use:email>\n</SCRATCHPAD_REASONING>\n"
        '<tool_use:email>\nto: "c@d.com",\nsubject: "Hi",\nbody: "Sent.",\n</tool_use:email>'
    )

    (action,) = parse_text_actions(reply).actions

    assert action.to == ("c@d.com",)
    assert (action.subject, action.body) == ("Hi", "Sent.")
