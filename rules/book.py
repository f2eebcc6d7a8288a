"""A directory of rule files loaded as one book: the fact catalog, common materials and every item."""

from __future__ import annotations

from pathlib import Path

from rules.errors import RuleFileError
from rules.loader import LoadedItem, item_files, load_catalog, load_common, parse_item, read_yaml
from rules.spec import FactCatalog, Item


class RuleBook:
    def __init__(
        self, *, catalog: FactCatalog, items: dict[str, LoadedItem], errors: list[RuleFileError]
    ) -> None:
        self.catalog = catalog
        self.items = items
        self.errors = errors

    @classmethod
    def load(cls, directory: Path, *, strict: bool = True) -> RuleBook:
        """Load every rule file; with ``strict`` the first bad file raises, else errors are collected."""
        catalog = load_catalog(directory)
        common = load_common(directory)
        raws = {path: read_yaml(path) for path in item_files(directory)}
        items: dict[str, LoadedItem] = {}
        errors: list[RuleFileError] = []
        # Items before bundles: a bundle's ``same_as`` points into items.
        ordered = sorted(raws.items(), key=lambda kv: bool(isinstance(kv[1], dict) and kv[1].get("bundle")))
        for path, raw in ordered:
            try:
                siblings: dict[str, Item] = {code: li.item for code, li in items.items()}
                loaded = parse_item(raw, name=path.name, catalog=catalog, common=common, siblings=siblings)
                if loaded.item.code in items:
                    raise RuleFileError(path.name, [("code", f"{loaded.item.code} is defined twice")])
                if path.stem != loaded.item.code:
                    raise RuleFileError(
                        path.name,
                        [("code", f"the file of {loaded.item.code} must be named {loaded.item.code}.yaml")],
                    )
                items[loaded.item.code] = loaded
            except RuleFileError as exc:
                if strict:
                    raise
                errors.append(exc)
        return cls(catalog=catalog, items=items, errors=errors)
