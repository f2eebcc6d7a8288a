"""What the compiled rules look at: the phase-2 facts rules.prepare makes and the ones it may leave out."""

from __future__ import annotations

from rules.book import RuleBook
from rules.compile import compile_item


def test_fields_are_asked_for_in_the_states_their_checks_match(book: RuleBook) -> None:
    compiled = compile_item(book.items["RS-001"].item, book.catalog)
    # M2 营业执照: 经营范围 is in UNREADABLE and in condition C6 (contains), 注册资本 only in UNREADABLE.
    assert compiled.asks("f", "M2", "经营范围") == {"ok", "unreadable"}
    assert compiled.asks("f", "M2", "注册资本") == {"unreadable"}
    assert compiled.asks("f", "M2", "法定代表人") == frozenset()
    assert compiled.asks("m", "M2") >= {"missing", "unreadable", "wrong"}


def test_checks_do_not_join_the_material_fact(book: RuleBook) -> None:
    # A set's facts are made only for a material that is there and due: a check's rule needs no
    # "material ok" pattern beside them (the engine would join every such fact with every check).
    for loaded in book.items.values():
        compiled = compile_item(loaded.item, book.catalog)
        for name, rule in compiled.phase2.items():
            names = {key for pattern in rule["all"] for key in pattern}
            assert not {"x", "m"} <= names, name


def test_a_field_the_rule_file_does_not_list_falls_back_to_open_patterns(book: RuleBook) -> None:
    compiled = compile_item(book.items["RS-001"].item, book.catalog)
    assert compiled.asks("f", "M2", "不在规则里的栏目") == frozenset()
    assert compiled.asks("s", "M2") == {""}  # NOT_SEALED matches a set's marks in any state


def test_contains_literals_are_normalised_once(book: RuleBook) -> None:
    compiled = compile_item(book.items["RS-001"].item, book.catalog)
    assert compiled.contains_at[("M2", "经营范围")] == (("has0", "职业中介活动"),)


def test_facts_that_differ_from_every_pattern_are_not_wanted(book: RuleBook) -> None:
    compiled = compile_item(book.items["JT-001"].item, book.catalog)
    # M3 身份证: PAGES_MISSING matches a face that is not there; a present face matches no rule.
    assert compiled.wants({"t": "p", "m": "M3", "i": 0, "p": "国徽面", "has": False})
    assert not compiled.wants({"t": "p", "m": "M3", "i": 0, "p": "国徽面", "has": True})
    # INVALID_ID wants ok=false, the mismatch check a legible number given the counterpart it differs
    # from (rules.prepare sets one only then): a valid number that agrees matches no rule.
    key = next(k for k, c in compiled.counterparts_of["M3"] if c.field == "公民身份号码")
    number = {"t": "f", "m": "M3", "i": 0, "f": "公民身份号码", "st": "ok", "ok": True}
    assert compiled.wants({**number, key: "110101199003071234"})
    assert not compiled.wants(number)
    assert compiled.wants({**number, "ok": False})
    assert not compiled.wants({"t": "f", "m": "M3", "i": 0, "f": "公民身份号码", "st": "empty"})
    assert not compiled.wants({"t": "s", "m": "M3", "i": 0})  # no seal or signature is asked of an ID card


def test_a_value_of_another_type_is_kept(book: RuleBook) -> None:
    compiled = compile_item(book.items["JT-001"].item, book.catalog)
    assert compiled.wants(
        {"t": "p", "m": "M3", "i": 0, "p": "国徽面", "has": 1}
    )  # durable's comparison decides


def test_a_change_that_does_not_touch_the_rules_compiles_to_the_same_rulesets(book: RuleBook) -> None:
    item = book.items["HB-001"].item
    m7 = item.material("M7")
    shorter = item.model_copy(
        update={
            "materials": tuple(
                m.model_copy(update={"tolerance_days": 7}) if m is m7 else m for m in item.materials
            )
        }
    )
    before, after = compile_item(item, book.catalog), compile_item(shorter, book.catalog)
    assert (before.digest1, before.digest2, before.facts_key) == (
        after.digest1,
        after.digest2,
        after.facts_key,
    )
    stricter = item.model_copy(update={"required_facts": item.required_facts[:-1]})
    assert compile_item(stricter, book.catalog).digest1 != before.digest1


def test_names_tested_only_for_presence_are_told_apart(book: RuleBook) -> None:
    """A declared name only a missing-fact rule tests ($nex) is asserted with a placeholder; one whose
    value a pattern reads (a type, a flag, a count compared) is not."""
    for loaded in book.items.values():
        compiled = compile_item(loaded.item, book.catalog)
        assert "applicant_name" in compiled.present1, loaded.item.code
        assert not {"applicant_type", "by_agent", "agent_id__ok"} & compiled.present1, loaded.item.code
        assert compiled.present1 <= compiled.declared1 and compiled.present2 <= compiled.declared2
    jt = compile_item(book.items["JT-001"].item, book.catalog)
    assert "driver_count" not in jt.present2  # a material's count is compared with it


def test_a_draft_that_reads_a_value_tested_here_for_presence_needs_its_own_facts(book: RuleBook) -> None:
    compiled = compile_item(book.items["JT-001"].item, book.catalog)
    reads = compiled.model_copy(update={"present1": compiled.present1 - {"applicant_name"}})
    assert "applicant_name" in compiled.declared_beyond(reads)
    assert "applicant_name" not in reads.declared_beyond(compiled)
