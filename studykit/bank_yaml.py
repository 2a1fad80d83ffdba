"""YAML helpers shared by the bank loader and the lexicon loader: duplicate-key-safe parsing, YAML line lookup."""

from __future__ import annotations

import re

import yaml

MAX_ALIASES = 100  # the bank uses none; a few are harmless, a flood expands exponentially
# where an alias (*name) can start: after a space, [ { , : or -, never inside a word ("r*(d+k)")
_ALIAS_HINT = re.compile(r"(?:^|[\s\[{,:-])\*[^\s,\]}]", re.MULTILINE)

# libyaml's parser (~10x faster than the pure-Python one); PyYAML's wheels (pinned in requirements) ship it
_SafeBase = yaml.CSafeLoader


class UniqueKeyLoader(yaml.CSafeLoader):
    """SafeLoader that refuses duplicate mapping keys (PyYAML silently keeps the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[object, yaml.Node] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"duplicate key {key!r} (first defined on line {seen[key].start_mark.line + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


def _refuse_alias_flood(text: str) -> None:
    """Stop at the first alias past MAX_ALIASES, before anything expands: 200,000 aliases in 1.4 MB
    made validation walk an exponential tree for half a minute. The parser's events are read lazily."""
    if not _ALIAS_HINT.search(text):
        return
    count = 0
    for event in yaml.parse(text, Loader=_SafeBase):
        if isinstance(event, yaml.AliasEvent):
            count += 1
            if count > MAX_ALIASES:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"more than {MAX_ALIASES} aliases (*name); question files need none",
                    event.start_mark,  # type: ignore[arg-type]  # libyaml's Mark; stubs name PyYAML's
                )


def parse_yaml(text: str) -> object:
    """Parse YAML text safely, rejecting duplicate keys and alias floods."""
    _refuse_alias_flood(text)
    return yaml.load(text, Loader=UniqueKeyLoader)


def compose(text: str) -> yaml.Node | None:
    """The YAML node tree of `text` (for line numbers), or None when it does not parse."""
    try:
        return yaml.compose(text, Loader=_SafeBase)
    except yaml.YAMLError:
        return None


def node_line(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """Best-effort 1-based line of the deepest YAML node on the path `loc`."""
    node, line = root, None
    for part in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
        else:
            node = None
    if node is not None:
        line = node.start_mark.line + 1
    return line


def line_of(text: str, loc: tuple[int | str, ...]) -> int | None:
    """`node_line` of a YAML text."""
    return node_line(compose(text), loc)
