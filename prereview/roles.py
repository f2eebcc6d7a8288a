"""One form in several roles (the legal representative's ID card, the shareholders', the agent's): which
role a page is, by the person it names.

The declared facts each role's checks compare with (legal_rep_name, shareholders.id_number) name its
people, and so does what the item's other materials print for the same facts (the application form's
法定代表人). A person may fill several roles — a legal representative who is also a shareholder, an
agent who is also the legal representative: the card goes first to the role that names the fewest
people (the legal representative's card stands for her as a shareholder too, as the standards say),
then to the upload slot, and it also counts for the other roles it names that have no card of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from prereview.approx import strip_punctuation
from prereview.extract.fields import find_field
from prereview.extract.numbers import find_id_numbers
from rules.identity import normalize_name, normalize_number
from rules.spec import FieldSpec, Item, Material

if TYPE_CHECKING:
    from prereview.recognise import PageLabel, PageView


def by_role(
    view: PageView, tied: Sequence[Material], *, roles: dict[str, list[str]], people: dict[str, int]
) -> tuple[Material, bool, tuple[str, ...]]:
    """The role among materials of one form whose person is on the page (or whose slot the file sits
    in). Second: whether that decided it. Third: the other one-person roles the same person fills."""
    hits = {m.id: sum(1 for value in roles.get(m.id, []) if value and value in view.text) for m in tied}
    most = max(hits.values())
    named = [m for m in tied if most and hits[m.id] == most]
    if not named:  # placed later by what the roles lack (`place_undecided`), the slot breaking a tie
        return next((m for m in tied if m.id == view.slot), tied[0]), False, ()
    order = {m.id: k for k, m in enumerate(tied)}
    chosen = min(named, key=lambda m: (people.get(m.id, 1), m.id != view.slot, order[m.id]))
    return chosen, True, tuple(m.id for m in named if m is not chosen and people.get(m.id, 1) == 1)


def role_people(material: Material, declared: dict[str, object]) -> int:
    """How many people a role material names: every shareholder for a shareholders' card, else one."""
    listed = any(t.startswith("shareholders.") for check in material.checks for t in check.equals)
    holders = declared.get("shareholders")
    return max(1, len(holders)) if listed and isinstance(holders, list) else 1


def person_on(view: PageView, material: Material, *, roles: bool) -> str | None:
    """The person or vehicle a page of a repeated material (or of one form in several `roles`) names: its
    first number, plate or name field read there; None for other materials or when none is read."""
    if not (material.per or roles):
        return None
    return page_key(view, key_fields(material))


def key_fields(material: Material) -> list[tuple[str, FieldSpec]]:
    """The fields that tell one person or vehicle from another, the surest first."""
    rank = {"id_number": 0, "plate": 1, "uscc": 2, "name": 3}
    keyed = [(n, s) for n, s in material.fields.items() if s.type in rank and not s.options]
    return sorted(keyed, key=lambda ns: rank[ns[1].type])


def page_key(view: PageView, keys: list[tuple[str, FieldSpec]]) -> str | None:
    """The first key field read at its label; else, where the person is told by an ID number, the one
    valid 公民身份号码 the page prints: a card's letter-spaced caption (证　号) misread on a photo leaves
    its number unlabelled, and a number whose check digit holds is no misreading."""
    for name, spec in keys:
        reading = find_field([view.page], spec.labels or (name,), kind=spec.type)
        if reading.ok:
            value = reading.value
            return (
                normalize_number(value)
                if spec.type in ("id_number", "plate", "uscc")
                else normalize_name(value)
            )
    if any(spec.type == "id_number" for _, spec in keys):
        numbers = {n.number for n in find_id_numbers(view.page.text) if n.valid}
        if len(numbers) == 1:
            return numbers.pop()
    return None


def role_values(material: Material, declared: dict[str, object]) -> list[str]:
    """The declared names and numbers a role material's checks compare with."""
    values: list[str] = []
    for check in material.checks:
        for target in check.equals:
            if target.startswith("shareholders."):
                key = target.split(".", 1)[1]
                for holder in declared.get("shareholders") or []:  # type: ignore[attr-defined]
                    if isinstance(holder, dict) and holder.get(key):
                        values.append(norm(str(holder[key])))
            elif isinstance(declared.get(target), str):
                values.append(norm(str(declared[target])))
    return values


def printed_values(
    views: Sequence[PageView], labels: Sequence[PageLabel], item: Item
) -> dict[str, list[str]]:
    """Per role material (one form in several roles), what the item's other materials print for the
    declared facts its checks compare with: the 法定代表人 and 法定代表人身份证件号码 of the application
    form for the legal representative's ID card. Only pages recognised without a role question are read."""
    roles = {
        m.id
        for m in item.materials
        if any(o is not m and o.recognition == m.recognition for o in item.materials)
    }
    pages = {
        m.id: [
            v.page for v, lab in zip(views, labels, strict=True) if lab.material == m.id and not lab.by_role
        ]
        for m in item.materials
    }
    read: dict[tuple[str, str], str | None] = {}
    out: dict[str, list[str]] = {}
    for material in (m for m in item.materials if m.id in roles):
        facts = {t for check in material.checks for t in check.equals}
        for other in item.materials:
            for check in other.checks if other.id not in roles and pages[other.id] else ():
                spec = other.fields.get(check.field)
                if spec is None or spec.type == "list" or not facts & set(check.equals):
                    continue
                key = (other.id, check.field)
                if key not in read:
                    reading = find_field(pages[other.id], spec.labels or (check.field,), kind=spec.type)
                    read[key] = norm(reading.value) if reading.ok else None
                value = read[key]
                if value:
                    out.setdefault(material.id, []).append(value)
    return out


def norm(value: str) -> str:
    return strip_punctuation(
        normalize_number(value) if sum(c.isdigit() for c in value) >= 6 else normalize_name(value)
    )
