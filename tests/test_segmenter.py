from pathlib import Path

import pytest

from mtqa.text.segmenter import is_furniture, looks_like_heading, segment_text

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "spun_news_article.txt"


@pytest.fixture(scope="module")
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sample(sample_text):
    return segment_text(sample_text)


def texts(segments, kind=None):
    return [s.text for s in segments if kind is None or s.kind == kind]


def test_sample_offsets_round_trip(sample_text, sample):
    lines = sample_text.split("\n")
    for index, segment in enumerate(sample):
        assert segment.index == index
        assert sample_text[segment.start : segment.end] == segment.text
        assert segment.text == segment.text.strip() and segment.text
        line = lines[segment.line - 1]
        assert line[segment.column - 1 :].startswith(segment.text.split("\n")[0])


def test_sample_counts_and_kinds(sample):
    kinds = [s.kind for s in sample]
    assert len(sample) == 38
    assert kinds.count("heading") == 3
    assert kinds.count("furniture") == 4
    assert kinds.count("sentence") == 31


def test_sample_headings(sample):
    assert texts(sample, "heading") == [
        "World News",
        "US and Russia investigate Ukraine crisis while Blinken visits Kyiv | Stories",
        "‘Uncontrolled anger’",
    ]


def test_sample_furniture(sample):
    assert texts(sample, "furniture") == ["Source link", "Related Articles", "Leave a Reply", "Back to top button"]
    assert [s.line for s in sample if s.kind == "furniture"] == [62, 64, 66, 68]


def test_stray_full_stop_inside_sentence_is_joined(sample):
    joined = [t for t in texts(sample) if "make a decision." in t]
    assert joined == [
        "The US and its allies have said that Russia’s interests are not a priority, that Russia is "
        "aware of its existence and that Russian President Vladimir Putin is using them in some other "
        "way to make a decision. for the invasion of Ukraine."
    ]


def test_quotation_with_attribution_then_new_quote(sample):
    assert "“Your visit is very important,” Zelenskyy said." in texts(sample)
    assert "“It also emphasizes your strong support for our rights and sovereignty.”" in texts(sample)


def test_misplaced_opening_quote_stays_in_sentence(sample):
    sentence = [t for t in texts(sample) if t.startswith("“These [military] Aid")]
    assert len(sentence) == 1 and sentence[0].endswith("“he said, referring to Kyiv’s desire to join NATO.")


def test_stray_quote_after_full_stop_belongs_to_last_sentence(sample):
    index = texts(sample).index("“You do not realize that there is so much fear in this case.")
    following = texts(sample)[index + 1 : index + 3]
    assert following[0] == "No rush to supermarkets, people going about their business."
    assert following[1].startswith("Moreover, people are confident")
    assert following[1].endswith("it’s better than it was in 2014. “")


def test_two_sentence_paragraphs_split(sample):
    assert (
        "The Biden government has already said it is providing $ 200m to support military security in Ukraine."
        in texts(sample)
    )
    biden = next(s for s in sample if s.text.startswith("Blinken said more aid"))
    assert (biden.line, biden.column) == (39, 103)


def test_abbreviations_do_not_end_sentences():
    text = ("Dr. Smith met Mr. Jones and Mrs. Lee in the U.S. on Monday. Tools, e.g. hammers, i.e. things, "
            "vs. Prof. Ng. Mr Blinken met the US envoy.")
    assert texts(segment_text(text)) == [
        "Dr. Smith met Mr. Jones and Mrs. Lee in the U.S. on Monday.",
        "Tools, e.g. hammers, i.e. things, vs. Prof. Ng.",
        "Mr Blinken met the US envoy.",
    ]


def test_sentence_ending_with_abbreviation_like_words_still_splits():
    assert texts(segment_text("He lives in the US. He works in Paris.")) == [
        "He lives in the US.",
        "He works in Paris.",
    ]
    assert texts(segment_text("He said no. Then he left.")) == ["He said no.", "Then he left."]


def test_closing_quote_after_full_stop_moves_to_previous_sentence():
    text = "He said “go home.” Then he left. She said. ” Next one here."
    assert texts(segment_text(text)) == ["He said “go home.”", "Then he left.", "She said. ”", "Next one here."]


def test_repeated_sentences_get_distinct_offsets():
    text = "Hello world. Hello world. Hello world."
    assert [(s.start, s.end) for s in segment_text(text)] == [(0, 12), (13, 25), (26, 38)]


def test_never_crosses_paragraph_break_and_joins_wrapped_lines():
    text = "This sentence is hard\nwrapped over lines. Another\n\nstarts a paragraph without end\n\nNew one."
    segments = segment_text(text)
    assert texts(segments) == [
        "This sentence is hard\nwrapped over lines.",
        "Another",
        "starts a paragraph without end",
        "New one.",
    ]
    assert [(s.line, s.column) for s in segments] == [(1, 1), (2, 21), (4, 1), (6, 1)]


def test_crlf_text_offsets():
    text = "Title\r\n\r\nFirst one. Second one.\r\nThird one.\r\n"
    segments = segment_text(text)
    assert texts(segments) == ["Title", "First one.", "Second one.", "Third one."]
    assert all(text[s.start : s.end] == s.text for s in segments)
    assert [(s.line, s.column) for s in segments] == [(1, 1), (3, 1), (3, 12), (4, 1)]


@pytest.mark.parametrize(
    "line",
    [
        "Source link",
        "Related Articles",
        "Leave a Reply",
        "Back to top button",
        "Share this:",
        "Click to share on Twitter (Opens in new window)",
        "Read more",
        "READ MORE: Ukraine crisis explained",
        "Advertisement",
        "Subscribe to our newsletter",
        "Posted in World, Europe",
        "Tags: Ukraine, Russia, NATO",
        "We use cookies to give you the best experience on our website.",
        "Accept all cookies",
        "Your email address will not be published. Required fields are marked *",
        "Read more...",
        "Related Articles »",
        "© 2022 Example News. All rights reserved.",
        "Source: Reuters",
    ],
)
def test_furniture_lines(line):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "Read more books to learn about the war.",
        "The source of the leak was never found.",
        "Related talks will follow next week.",
        "Share prices fell sharply on Monday.",
        "Posted on social media, the video went viral.",
        "Copyright law changed in the spring.",
        "Source: the ministry said the figures were wrong.",
    ],
)
def test_prose_is_not_furniture(line):
    assert not is_furniture(line)


def test_heading_rule():
    assert looks_like_heading("World News")
    assert looks_like_heading("‘Uncontrolled anger’")
    assert not looks_like_heading("A short sentence.")
    assert not looks_like_heading("“A quoted sentence.”")
    assert not looks_like_heading("Continued:")
    assert not looks_like_heading(
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
    )
    assert not looks_like_heading("Two\nlines")


MARKDOWN = """# Talks in Geneva #

Intro with a [link](https://example.com/a.b). Second sentence.

- The talks were short. Nobody expected a deal.
- Both sides agreed
  to meet again.
* Apples
12) Numbered item.

```python
print("Code is not prose. It is skipped.")
```

Setext Heading
==============

> Quoted line. Another.

---
## Share this
"""


def test_markdown_blocks():
    segments = segment_text(MARKDOWN, markdown=True)
    assert [(s.kind, s.text) for s in segments] == [
        ("heading", "Talks in Geneva"),
        ("sentence", "Intro with a [link](https://example.com/a.b)."),
        ("sentence", "Second sentence."),
        ("sentence", "The talks were short."),
        ("sentence", "Nobody expected a deal."),
        ("sentence", "Both sides agreed\n  to meet again."),
        ("sentence", "Apples"),
        ("sentence", "Numbered item."),
        ("heading", "Setext Heading"),
        ("sentence", "Quoted line."),
        ("sentence", "Another."),
        ("furniture", "Share this"),
    ]
    for segment in segments:
        assert MARKDOWN[segment.start : segment.end] == segment.text
    item = segments[3]
    assert (item.line, item.column) == (5, 3)


def test_plain_text_keeps_markdown_markers():
    segments = segment_text("# Not markdown here\n\n- a dash line.")
    assert texts(segments) == ["# Not markdown here", "- a dash line."]


def test_empty_and_blank_text():
    assert segment_text("") == []
    assert segment_text("\n \n\t\n") == []
    assert texts(segment_text("“")) == ["“"]


def test_no_text_is_lost(sample_text, sample):
    covered = "".join(c for s in sample for c in s.text if not c.isspace())
    assert covered == "".join(c for c in sample_text if not c.isspace())


def test_unbalanced_straight_quote_does_not_glue_sentences():
    text = 'It will be fine", he said in an interview with "SE" in January. Here it was milder. There is one. "Next.'
    assert texts(segment_text(text)) == [
        'It will be fine", he said in an interview with "SE" in January.',
        "Here it was milder.",
        "There is one.",
        '"Next.',
    ]


def test_balanced_multi_sentence_quote_stays_whole():
    assert texts(segment_text('He said "I am here. You are there." Then he left.')) == [
        'He said "I am here. You are there."',
        "Then he left.",
    ]


def test_alignment_keeps_text_pysbd_altered():
    from mtqa.text.segmenter import _align

    assert _align("A b.\nC d.  E f.", ["A b. ", "C d.", "X"]) == [(0, 4), (5, 9), (11, 15)]


def test_chinese_and_japanese_text_is_split_by_its_own_rules():
    chinese = ("欧盟峰会\n\n据台当局公布，台湾地区今年1月出口315.1亿美元，年减21.2%。"
               "这是连续第5个月负增长！情况会好转吗？他说：“不会。”")
    segments = segment_text(chinese)
    assert [(s.text, s.kind) for s in segments] == [
        ("欧盟峰会", "heading"),
        ("据台当局公布，台湾地区今年1月出口315.1亿美元，年减21.2%。", "sentence"),
        ("这是连续第5个月负增长！", "sentence"),
        ("情况会好转吗？", "sentence"),
        ("他说：“不会。”", "sentence"),
    ]
    assert all(chinese[s.start:s.end] == s.text for s in segments)
    assert [s.text for s in segment_text("東京で会議が開かれた。参加者は百人だった。")] == [
        "東京で会議が開かれた。", "参加者は百人だった。"]


def _spans(text: str, markdown: bool = False) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.kind) for s in segment_text(text, markdown)]


def test_segmentation_is_thread_safe(sample_text):
    """Threads segmenting different documents, and the same one, at once (as dashboard
    sessions do) get exactly what a serial run gets."""
    import sys
    from concurrent.futures import ThreadPoolExecutor

    root = SAMPLE.parent
    documents = [(sample_text, False), ((root / "spun_news_article.clean.txt").read_text("utf-8"), False),
                 ((root / "readers" / "article.md").read_text("utf-8"), True)]
    serial = [_spans(text, markdown) for text, markdown in documents]
    work = [i % len(documents) for i in range(48)]  # each document many times, interleaved
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, so that shared state shows
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda i: _spans(*documents[i]), work))
    finally:
        sys.setswitchinterval(interval)
    for i, result in zip(work, results, strict=True):
        assert result == serial[i]


def test_a_text_on_one_line_is_split_into_its_sentences():
    """A long paragraph is given to pysbd in windows; the sentences are those of a short one."""
    sentences = [f"Sentence number {n} was written by Dr. Smith on Tuesday, said the report." for n in range(400)]
    text = " ".join(sentences)
    assert len(text) > 10 * 2000
    assert texts(segment_text(text)) == sentences


def test_a_long_stretch_without_a_sentence_end_stays_one_segment():
    """A window with no sentence end is cut at a space and joined again: no sentence is made
    up where the text has none (the pipeline refuses what is too long to score)."""
    text = " ".join(f"word{n}" for n in range(3000)) + ". The end."
    segments = segment_text(text)
    assert texts(segments) == [text[: -len(" The end.")], "The end."]


def test_windows_are_not_cut_inside_a_quotation():
    """pysbd keeps a quotation in one sentence; cutting a window inside one would not."""
    quote = 'He said, "' + " ".join(f"Part {n} of the statement is here." for n in range(30)) + '"'
    text = " ".join([quote, "Then he left."] * 4)
    assert len(text) > 2 * 2000
    assert texts(segment_text(text)) == [quote, "Then he left."] * 4


def test_pysbd_never_gets_more_than_a_window_at_once(monkeypatch):
    """pysbd's time per character grows with what it is given (quadratic overall): a 5 MB
    line or 50,000 tiny lines in one paragraph must reach it in bounded windows."""
    import pysbd.processor

    seen: list[int] = []
    original = pysbd.processor.Processor.__init__

    def recording(self, text, *args, **kwargs):
        seen.append(len(text))
        original(self, text, *args, **kwargs)

    monkeypatch.setattr(pysbd.processor.Processor, "__init__", recording)
    one_line = " ".join(f"Sentence {n} is here." for n in range(2000))
    tiny_lines = "\n".join(f"tiny line {n}" for n in range(3000))
    for text in (one_line, tiny_lines):
        seen.clear()
        segments = segment_text(text)
        assert seen and max(seen) <= 2000
        assert "".join("".join(s.text.split()) for s in segments) == "".join(text.split())  # nothing lost
