"""Top-level block line ranges of a Markdown text: where a note can go without breaking a block.

An annotation after math inside a list item or a blockquote must come after the whole list
or quote (an unindented line there would end the item, or be taken in as a lazy
continuation). markdown-it-py knows the block structure; we only ask it for the line range
of each top-level block, with the same math plugins the extractor uses so a ``$$`` block
that holds a blank line stays one block.
"""

from __future__ import annotations

from collections.abc import Sequence


def top_level_blocks(text: str) -> tuple[tuple[int, int], ...]:
    """``(first_line_index, end_line_index)`` (0-based, end exclusive) of each top-level block."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.amsmath import amsmath_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark").use(dollarmath_plugin).use(amsmath_plugin).enable("table")
    blocks: list[tuple[int, int]] = []
    for token in md.parse(text):
        if token.level == 0 and token.map is not None and token.nesting >= 0:
            begin, end = token.map
            # amsmath's map includes the closing line (mdit-py-plugins), others end exclusive.
            if token.type == "amsmath":
                end += 1
            blocks.append((begin, max(end, begin + 1)))
    return tuple(blocks)


def line_after_block(blocks: Sequence[tuple[int, int]], first: int, last: int) -> int:
    """0-based index of the line before which a note about lines ``first..last`` can be inserted.

    That is the end of the top-level block holding ``first``, at least ``last + 1``, moved
    further while it would fall inside another block.
    """
    target = last + 1
    for begin, end in blocks:
        if begin <= first < end:
            target = max(target, end)
    moved = True
    while moved:
        moved = False
        for begin, end in blocks:
            if begin < target < end:
                target, moved = end, True
    return target
