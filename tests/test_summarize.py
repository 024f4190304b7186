from pathlib import Path

import pytest

from techdigest.seeds import parse_seed
from techdigest.summarize import TITLE_LIMIT, WORD_BUDGET, draft_summary, draft_title, sentences

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_41740d1de4a78704.txt"


def seed_paragraphs() -> list[str]:
    return list(parse_seed(SEED.read_text(encoding="utf-8"), "seed").paragraphs)


def test_sentences_respect_german_abbreviations_and_ordinals():
    text = "Das geschah z. B. am 10. November 2026 in Berlin. Danach kam bzw. folgte mehr."
    assert sentences(text, "de") == [
        "Das geschah z. B. am 10. November 2026 in Berlin.",
        "Danach kam bzw. folgte mehr.",
    ]


def words(text: str) -> int:
    return len(text.split())


def assert_pointers_resolved(paragraphs: list[str], summary: str, lang: str, openers: tuple[str, ...]) -> None:
    """Each picked sentence opening with one of ``openers`` follows the sentence it points back to."""
    all_sentences = [s for p in paragraphs for s in sentences(p, lang)]
    picked = sentences(summary, lang)
    for before, sentence in zip([None, *picked], picked, strict=False):
        if sentence.startswith(openers):
            assert before == all_sentences[all_sentences.index(sentence) - 1], sentence


def test_sentences_know_abbreviations_ordinals_versions_and_compounds():
    text = (
        "Der Rückruf läuft unter der Referenz-Nr. 014237 beim KBA. Laut § 475b Abs. 4 Nr. 2 BGB gilt das."
        " Der VIII. Zivilsenat entschied es. Die Version 3.8.1 kommt ab dem 17. November. Hollweg & Co. in"
        " Bonn vertritt ca. 1,3 Mio. Kunden. Das 140-Mrd.-Modell wächst von 7,8 auf ca. 10,4 Mrd. Euro. Gut."
    )
    assert sentences(text, "de") == [
        "Der Rückruf läuft unter der Referenz-Nr. 014237 beim KBA.",
        "Laut § 475b Abs. 4 Nr. 2 BGB gilt das.",
        "Der VIII. Zivilsenat entschied es.",
        "Die Version 3.8.1 kommt ab dem 17. November.",
        "Hollweg & Co. in Bonn vertritt ca. 1,3 Mio. Kunden.",
        "Das 140-Mrd.-Modell wächst von 7,8 auf ca. 10,4 Mrd. Euro.",  # sentencex cuts at "Mrd.|-": rejoined
        "Gut.",
    ]


def test_a_lone_capital_is_an_initial():
    """sentencex reads "A." as an initial: a middle name stays in its sentence, and so (wrongly, but
    still a whole sentence) does a grade at a sentence's end followed by a capital."""
    assert sentences("Die Autorin Erika A. Mustermann kam. Dann ging sie.", "de") == [
        "Die Autorin Erika A. Mustermann kam.",
        "Dann ging sie.",
    ]
    assert sentences("Das Gerät erhält die Bestnote A. Damit ist es Spitze.", "de") == [
        "Das Gerät erhält die Bestnote A. Damit ist es Spitze."
    ]


def test_a_quotation_of_several_sentences_stays_one():
    text = "Sie mahnt: „Die Rate gilt für eine Klasse. Für alle fehlt der Nachweis.“ Dann ging sie."
    assert sentences(text, "de") == [
        "Sie mahnt: „Die Rate gilt für eine Klasse. Für alle fehlt der Nachweis.“",
        "Dann ging sie.",
    ]


def test_sentences_end_at_quotes_and_english_keeps_its_abbreviations():
    assert sentences("„Wir halten fest.“ Das sagte sie. Stimmt das? Ja!", "de") == [
        "„Wir halten fest.“",
        "Das sagte sie.",
        "Stimmt das?",
        "Ja!",
    ]
    assert sentences("Mr. Smith of Acme Inc. met the U.S. team. They agreed.", "en") == [
        "Mr. Smith of Acme Inc. met the U.S. team.",
        "They agreed.",
    ]


def test_summary_of_the_seed_is_whole_sentences_in_text_order_within_the_budget():
    paragraphs = seed_paragraphs()
    summary = draft_summary(paragraphs, "de")
    picked = sentences(summary, "de")
    all_sentences = [s for p in paragraphs for s in sentences(p, "de")]
    assert 2 <= len(picked) <= 3 and words(summary) <= WORD_BUDGET
    assert all(s in all_sentences for s in picked)
    assert [all_sentences.index(s) for s in picked] == sorted(all_sentences.index(s) for s in picked)


def test_summary_reaches_beyond_the_lead_for_the_articles_key_facts():
    """Unlike the first two sentences, the summary names the new partner and the deal's size."""
    paragraphs = seed_paragraphs()
    summary = draft_summary(paragraphs, "de")
    lead = " ".join(sentences(paragraphs[0], "de")[:2])
    assert summary != lead
    assert all(fact in summary for fact in ("Cerebras", "AMD", "NVIDIA", "10 Milliarden US-Dollar"))
    assert "Diese strategische Partnerschaft" in summary  # with the sentence it points back to:
    assert_pointers_resolved(paragraphs, summary, "de", ("Diese", "Dieser"))


SCENE_SETTING = [
    "Wer in diesen Tagen durch die Innenstadt von Bremen läuft, sieht Baustellen, Kräne und Absperrungen."
    " Von dem neuen Rechenzentrum ist noch wenig zu erkennen. Daran wird sich so schnell nichts ändern.",
    "Der Betreiber Nordlicht Data hat am Montag bestätigt, dass das Rechenzentrum später in Betrieb geht."
    " Statt im März 2027 soll es erst im Oktober 2028 starten, die Kosten steigen von 410 auf 585 Mio. Euro."
    " Dadurch soll es für Kunden teurer werden.",
    "Nordlicht Data nannte als Grund die gestiegenen Baukosten. Er sprach von einer schwierigen Lage."
    " Der Bund fördert das Rechenzentrum mit 120 Mio. Euro, die Förderung muss neu beantragt werden.",
    "In der Branche gilt das Projekt als Vorbild. Viele Betreiber schauen genau hin, wie es weitergeht.",
]


def test_facts_from_later_paragraphs_outrank_the_scene_setting_opening():
    summary = draft_summary(SCENE_SETTING, "de")
    assert "585 Mio. Euro" in summary and "Oktober 2028" in summary
    assert "Kräne" not in summary
    assert words(summary) <= WORD_BUDGET


@pytest.mark.parametrize("budget", [15, 25, 40, 60, 90])
def test_no_pointer_back_without_the_sentence_it_points_to(budget):
    """ "Dadurch soll es …" and "Er sprach …" appear only right after the sentence they point to."""
    summary = draft_summary(SCENE_SETTING, "de", max_words=budget)
    assert summary and words(summary) <= budget
    assert_pointers_resolved(SCENE_SETTING, summary, "de", ("Dadurch", "Er ", "Daran"))


def test_a_pointer_in_the_first_sentence_is_never_picked():
    paragraphs = ["Diese Entscheidung kam überraschend für alle Beteiligten in Berlin und München.", "Kurz."]
    assert "Diese" not in draft_summary(paragraphs, "de")


def test_english_articles_get_whole_sentences_and_skip_dangling_pointers():
    paragraphs = [
        "Acme Corp. has released its new Rocket 3 processor, which will sell for 499 dollars from March 4."
        " It is the first chip made in the company's new factory in Ohio.",
        "The Rocket 3 has 24 cores and uses 30 percent less power than its predecessor, according to Acme."
        " Analysts at Gartner expect strong demand from data centers. This could hurt rival Zenith.",
    ]
    summary = draft_summary(paragraphs, "en")
    assert summary.startswith("Acme Corp. has released") and "499 dollars" in summary
    assert words(summary) <= WORD_BUDGET
    assert_pointers_resolved(paragraphs, summary, "en", ("It ", "This "))


def test_nothing_but_a_sentence_longer_than_the_budget_gives_no_draft_rather_than_a_cut_one():
    endless = "Ein Satz " + "mit sehr vielen Wörtern " * 20 + "endet hier."
    assert draft_summary([endless], "de") == ""
    assert draft_summary([], "de") == ""
    assert draft_summary(["   "], "de") == ""


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
    assert draft_summary([huge], "de") == "Ein Satz über Chips und Rechenzentren."  # said once, not twelve times
    assert draft_title(huge, "de") == "Ein Satz über Chips und Rechenzentren"


def test_degenerate_texts_give_bounded_whole_sentence_drafts():
    initials = " ".join(f"{chr(65 + i % 26)}." for i in range(20_000))  # 20,000 one-letter "sentences"
    no_stops = "wort " * 50_000
    numbers = "Am 1. 2. 3. 4. 5. Mai. " * 2_000
    for text in (initials, no_stops, numbers):
        summary = draft_summary([text, text], "de")
        assert words(summary) <= WORD_BUDGET
