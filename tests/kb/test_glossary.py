from kb.glossary import Glossary


def test_abbreviation_is_replaced_and_extra_expansions_kept() -> None:
    g = Glossary(
        {"执照": ["营业执照"], "环评报告": ["环境影响报告表", "环境影响报告书"], "环评": ["环境影响评价"]}
    )
    out = g.expand("没带执照，环评报告做哪种")
    assert out.text == "没带营业执照，环境影响报告表做哪种"
    assert out.extra == ["环境影响报告书"]
    assert out.applied == {"执照": "营业执照", "环评报告": "环境影响报告表"}


def test_term_inside_its_own_expansion_is_not_expanded_again() -> None:
    g = Glossary({"执照": ["营业执照"]})
    assert g.expand("营业执照复印件").text == "营业执照复印件"
    assert g.expand("营业执照和执照").text == "营业执照和营业执照"


def test_longest_term_wins() -> None:
    g = Glossary({"危化": ["危险化学品"], "危化证": ["危险化学品经营许可证"]})
    assert g.expand("危化证多久").text == "危险化学品经营许可证多久"
