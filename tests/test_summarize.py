from pathlib import Path

from techdigest.seeds import parse_seed
from techdigest.summarize import TITLE_MAX, draft_summary, draft_title, sentences

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_41740d1de4a78704.txt"


def seed_paragraphs() -> list[str]:
    return list(parse_seed(SEED.read_text(encoding="utf-8"), "seed").paragraphs)


def test_sentences_respect_german_abbreviations_and_ordinals():
    text = "Das geschah z. B. am 10. November 2026 in Berlin. Danach kam bzw. folgte mehr."
    assert sentences(text, "de") == [
        "Das geschah z. B. am 10. November 2026 in Berlin.",
        "Danach kam bzw. folgte mehr.",
    ]


def test_summary_of_the_seed_is_two_or_three_whole_sentences_in_text_order():
    paragraphs = seed_paragraphs()
    summary = draft_summary(paragraphs, "de")
    picked = sentences(summary, "de")
    all_sentences = [s for p in paragraphs for s in sentences(p, "de")]
    assert 2 <= len(picked) <= 3
    assert all(s in all_sentences for s in picked)
    assert [all_sentences.index(s) for s in picked] == sorted(all_sentences.index(s) for s in picked)


def test_summary_reaches_beyond_the_lead_for_the_articles_key_facts():
    """Unlike the first two sentences, the summary names all three hardware partners."""
    paragraphs = seed_paragraphs()
    summary = draft_summary(paragraphs, "de")
    lead = " ".join(sentences(paragraphs[0], "de")[:2])
    assert summary != lead
    assert all(name in summary for name in ("Cerebras", "AMD", "NVIDIA", "Wafer Scale Engine"))


def test_summary_avoids_sentences_that_point_back_out_of_context():
    summary = draft_summary(seed_paragraphs(), "de")
    assert not any(s.startswith(("Diese ", "Dieser ")) for s in sentences(summary, "de"))


def test_title_is_the_lead_cut_to_headline_length():
    title = draft_title(seed_paragraphs()[0], "de")
    assert len(title) <= TITLE_MAX
    assert title == "OpenAI setzt für seine fortschrittlichen KI-Modelle wie ChatGPT verstärkt auf…"
    assert draft_title("Kurzer Satz. Zweiter Satz.", "de") == "Kurzer Satz"
    assert draft_title("!", "de") == "!"


def test_a_huge_paragraph_gets_a_bounded_summary_and_title():
    huge = "Ein Satz über Chips und Rechenzentren. " * 6000  # ~230,000 characters
    assert len(draft_summary([huge], "de")) <= 520
    assert draft_title(huge, "de") == "Ein Satz über Chips und Rechenzentren"
