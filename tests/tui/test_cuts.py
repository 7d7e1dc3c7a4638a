from relazione.nlp import sentences
from relazione.tui.cuts import longest, near_duplicates

TEXT = (
    "Il concorso per assistente sociale è andato deserto due volte nel corso dell'anno. "
    "Breve frase. "
    "Le risorse sono arrivate a ottobre, troppo tardi per bandire il servizio domiciliare. "
    "Il concorso per un'assistente sociale è andato deserto per due volte nel corso dell'anno. "
    "Si veda sopra."
)


def test_longest_sentences_first_with_offsets():
    sents = sentences(TEXT)
    top = longest(sents, 2)
    assert [s.length for s in top] == sorted((s.end - s.start for s in sents), reverse=True)[:2]
    assert all(TEXT[s.start:s.end] == s.text for s in top)


def test_near_duplicates_found_and_short_sentences_ignored():
    pairs = near_duplicates(sentences(TEXT))
    assert len(pairs) == 1
    pair = pairs[0]
    assert pair.first.text.startswith("Il concorso per assistente")
    assert pair.second.text.startswith("Il concorso per un'assistente")
    assert 0.72 <= pair.similarity < 1


def test_no_duplicates_in_distinct_text():
    assert near_duplicates(sentences("Il Comune ha assunto un educatore. Le rette sono aumentate molto.")) == []


def test_a_sentence_repeated_three_times_gives_one_pair_per_copy():
    sentence = "Il servizio di assistenza domiciliare è stato affidato alla cooperativa. "
    pairs = near_duplicates(sentences(sentence * 3 + "Fine del testo qui."))
    assert len(pairs) == 2 and pairs[0].similarity == 1.0
    assert sorted(p.second.start for p in pairs) == [len(sentence), 2 * len(sentence)]
