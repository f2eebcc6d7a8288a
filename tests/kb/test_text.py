from kb.text import Tokenizer, WordSegmenter, bigram_tokens, char_tokens, normalize


def test_normalize_folds_width_and_case() -> None:
    assert normalize("ＣＴ机房　４米２ ") == "ct机房 4米2"


def test_char_and_bigram_tokens_skip_particles_keep_latin_and_numbers() -> None:
    assert char_tokens(normalize("能办执照吗 CT 4.5吨")) == ["办", "执", "照", "ct", "4.5", "吨"]
    assert bigram_tokens("取水证，要吗") == ["取水", "水证", "要吗"]


def test_tokenizer_fields_are_tagged() -> None:
    seg = WordSegmenter()
    tok = Tokenizer(fields=("char", "bigram", "word"), segmenter=seg)
    tokens = tok.tokens("授权委托书怎么写")
    assert "w:授权委托书" in tokens  # domain dictionary keeps it whole
    assert "授权" in tokens and "授" in tokens


def test_segmenter_learns_glossary_words() -> None:
    seg = WordSegmenter(["禁采区"])
    assert "禁采区" in seg.cut("地下水禁采区能打井吗")
