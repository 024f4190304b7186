from pathlib import Path

import pytest

from techdigest.model import ContentError
from techdigest.seeds import decode_seed, parse_seed, split_tags

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_41740d1de4a78704.txt"


def test_the_first_seed_splits_into_body_tags_and_feedback():
    seed = parse_seed(SEED.read_text(encoding="utf-8"), "seed.txt")
    assert len(seed.paragraphs) == 3
    assert seed.paragraphs[0].startswith("OpenAI setzt für seine fortschrittlichen KI-Modelle")
    assert seed.tags == ("NVIDIA", "OpenAI", "AMD")
    assert seed.feedback == "Wie bewerten Sie den Schreibstil des Artikels?"
    assert seed.language == "de"
    assert not any("Schlagwörter" in p or "Schreibstil" in p for p in seed.paragraphs)


def test_an_english_seed_is_recognised_by_its_tags_label():
    text = "OpenAI signs a deal.\nTags: C++ + C# + Rust\nHow would you rate the writing style of this article?\n"
    seed = parse_seed(text, "en.txt")
    assert seed.language == "en"
    assert seed.tags == ("C++", "C#", "Rust")
    assert seed.feedback == "How would you rate the writing style of this article?"


def test_bom_and_crlf_are_accepted():
    data = "\ufeffErster Absatz.\r\nZweiter Absatz.\r\nSchlagwörter: A + B\r\nFrage?\r\n".encode()
    seed = parse_seed(decode_seed(data, "x.txt"), "x.txt")
    assert seed.paragraphs == ("Erster Absatz.", "Zweiter Absatz.")
    assert seed.tags == ("A", "B")
    assert seed.feedback == "Frage?"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "x.txt: not a text file (contains NUL bytes)"),
        ("Gr\u00fc\u00dfe".encode("latin-1"), "x.txt:1: not UTF-8 text (byte 0xfc); convert it to UTF-8 first"),
    ],
)
def test_files_that_are_not_utf8_text_are_refused(data, message):
    with pytest.raises(ContentError) as caught:
        decode_seed(data, "x.txt")
    assert caught.value.lines() == [message]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "x.txt: empty seed: no article text"),
        ("  \n\t\n", "x.txt: empty seed: no article text"),
        (
            "Schlagwörter: A + B\nWie bewerten Sie den Schreibstil des Artikels?\n",
            "x.txt:1: no article text, only tags or feedback lines",
        ),
        ("Text.\nSchlagwörter: A\nFrage?\nNoch etwas.\n", "x.txt:4: unexpected text after the feedback question"),
    ],
)
def test_seeds_without_a_body_are_refused_with_file_and_line(text, message):
    with pytest.raises(ContentError) as caught:
        parse_seed(text, "x.txt")
    assert caught.value.lines() == [message]


def test_a_seed_without_tags_line_keeps_a_known_feedback_question():
    seed = parse_seed("Ein Absatz.\nWie bewerten Sie den Schreibstil des Artikels?\n", "x.txt")
    assert seed.paragraphs == ("Ein Absatz.",)
    assert seed.tags == ()
    assert seed.feedback.startswith("Wie bewerten")


def test_a_seed_without_feedback_line_imports_what_it_has():
    seed = parse_seed("Ein Absatz über die Technik.\nSchlagwörter: KI\n", "x.txt")
    assert seed.tags == ("KI",)
    assert seed.feedback == ""


def test_a_last_paragraph_that_is_a_question_stays_body_text():
    seed = parse_seed("Was kommt als Nächstes?\nUnd danach?\n", "x.txt")
    assert seed.paragraphs == ("Was kommt als Nächstes?", "Und danach?")
    assert seed.feedback == ""


def test_tags_merge_case_and_spacing_duplicates_and_drop_empty_ones():
    assert split_tags("NVIDIA +  nvidia + Open  AI + open ai +  + C++") == ("NVIDIA", "Open AI", "C++")
