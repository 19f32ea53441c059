"""The generated summary is data: flattened into one paragraph whose Markdown is escaped."""

from __future__ import annotations

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.docs.summary import markdown_paragraph


@pytest.mark.parametrize(
    ("answer", "paragraph"),
    [
        ("# Heading\n\nSome   text.", "\\# Heading Some text."),
        ("- a list item\n- another", "\\- a list item - another"),
        ("1. first\n2. second", "1\\. first 2. second"),
        (
            "<script>alert(1)</script> [link](http://x)",
            "\\<script\\>alert(1)\\</script\\> \\[link\\](http://x)",
        ),
        ("```bash\nrm -rf /\n```", "\\`\\`\\`bash rm -rf / \\`\\`\\`"),
        ("a | table | row", "a \\| table \\| row"),
        ("   ", ""),
    ],
)
def test_an_answer_becomes_one_escaped_paragraph(answer: str, paragraph: str) -> None:
    assert markdown_paragraph(answer) == paragraph


def test_a_long_answer_is_capped() -> None:
    assert len(markdown_paragraph("word " * 1000)) <= 1500
