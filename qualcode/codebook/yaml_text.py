"""Writing codebook data as readable YAML: keywords in flow lists, one blank line per code."""
from __future__ import annotations

import yaml

LINE_WIDTH = 100
FLOW_LIST_FIELDS = ("keywords", "exclude_keywords")


class _FlowList(list):
    """A list written on as few lines as possible: ``[a, b, "c d"]``."""


class FoldedText(str):
    """Prose written as a folded block (``>``), wrapped over lines as people write it."""


class _CodebookDumper(yaml.SafeDumper):
    """Indents list items under their key, as people write YAML by hand."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _represent_text(dumper, text):
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


def _represent_flow_list(dumper, items):
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=True)


_CodebookDumper.add_representer(str, _represent_text)
_CodebookDumper.add_representer(_FlowList, _represent_flow_list)
_CodebookDumper.add_representer(FoldedText, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style=">"))


def dump_codebook_yaml(data: dict) -> str:
    """YAML text for codebook data as produced by :meth:`Codebook.to_dict`."""
    shaped = dict(data)
    shaped["codes"] = [
        {key: _FlowList(value) if key in FLOW_LIST_FIELDS else value for key, value in code.items()}
        for code in data["codes"]
    ]
    text = yaml.dump(shaped, Dumper=_CodebookDumper, sort_keys=False, allow_unicode=True,
                     width=LINE_WIDTH, default_flow_style=False)
    return text.replace("\n  - id:", "\n\n  - id:").replace("codes:\n\n", "codes:\n", 1)
