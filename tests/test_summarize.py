from pathlib import Path

from techdigest.seeds import parse_seed
from techdigest.summarize import TITLE_LIMIT, draft_summary, draft_title, sentences

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


def test_a_long_german_lead_becomes_its_main_clause_with_the_verb():
    """Cut at 80 characters the seed's lead lost its point; its main clause ends at the first ", um"."""
    assert draft_title(seed_paragraphs()[0], "de") == (
        "OpenAI setzt für seine fortschrittlichen KI-Modelle wie ChatGPT verstärkt auf Partnerschaften mit"
        " Hardware-Anbietern"
    )
    lead = (
        "Der finnische Hersteller Kaiva bringt mit dem Kaiva 5 ein Smartphone auf den Markt, dessen Akku sich"
        " ohne Werkzeug wechseln lässt."
    )
    main_clause = "Der finnische Hersteller Kaiva bringt mit dem Kaiva 5 ein Smartphone auf den Markt"
    assert draft_title(lead, "de") == main_clause


def test_as_many_leading_clauses_as_fit_and_an_inserted_clause_is_no_end():
    lead = (
        "Der Konzern, der 2019 in Berlin gegründet wurde, hat am Dienstag eine Chipfabrik eröffnet, die"
        " 3.000 Menschen beschäftigen soll; die Förderung des Bundes ist noch nicht genehmigt."
    )
    assert draft_title(lead, "de") == (
        "Der Konzern, der 2019 in Berlin gegründet wurde, hat am Dienstag eine Chipfabrik eröffnet"
    )
    lead = "Die Zeitreihendatenbank Meridian wechselt die Lizenz: Der Betrieb als Clouddienst ist künftig verboten."
    assert draft_title(lead, "de") == "Die Zeitreihendatenbank Meridian wechselt die Lizenz"


def test_a_lead_opening_with_a_subordinate_clause_or_without_a_boundary_stays_whole():
    opening = (
        "Wer in diesen Tagen an der Baustelle im Dresdner Norden vorbeifährt, sieht vor allem Kräne,"
        " Betonstützen und einen halb fertigen Verwaltungstrakt."
    )
    assert draft_title(opening, "de") == opening.rstrip(".")
    plain = "Hersteller von Internet-Routern dürfen Sicherheitsupdates für ihre Geräte nicht nach Belieben einstellen."
    assert draft_title(plain, "de") == plain.rstrip(".")
    quoted = (
        "„Wir bauen diese Fab nicht für das nächste Quartal, sondern für die nächsten zwanzig Jahre“, sagte"
        " Siltrava-Chefin Maren Dijkstra am Mittwoch in Dresden."
    )
    assert draft_title(quoted, "de") == quoted.rstrip(".")


def test_english_leads_keep_their_main_clause_too():
    lead = (
        "Microsoft has announced a new version of its Copilot assistant for businesses, which will be"
        " available from January at a monthly price of 30 dollars per user."
    )
    assert draft_title(lead, "en") == "Microsoft has announced a new version of its Copilot assistant for businesses"
    opening = (
        "When Microsoft announced its new Copilot assistant on Tuesday, analysts expected a price war with"
        " Google and a few smaller rivals."
    )
    assert draft_title(opening, "en") == opening.rstrip(".")


def test_short_leads_stay_and_only_an_endless_one_is_cut_with_a_mark():
    assert draft_title("Kurzer Satz. Zweiter Satz.", "de") == "Kurzer Satz"
    assert draft_title("!", "de") == "!"
    endless = "Ein Satz " + "mit sehr vielen Wörtern " * 20 + "endet hier."
    title = draft_title(endless, "de")
    assert title.endswith("…") and len(title) <= TITLE_LIMIT and not title.endswith(" …")


def test_a_huge_paragraph_gets_a_bounded_summary_and_title():
    huge = "Ein Satz über Chips und Rechenzentren. " * 6000  # ~230,000 characters
    assert len(draft_summary([huge], "de")) <= 520
    assert draft_title(huge, "de") == "Ein Satz über Chips und Rechenzentren"
