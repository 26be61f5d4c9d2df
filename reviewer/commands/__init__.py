"""Headless subcommands. Each module has ``add_arguments(parser)`` and ``run(args) -> int``.

Exit codes are shared: 0 all well, 1 a soft failure the command defines (orphans, no hits),
2 bad input (unreadable, binary or malformed), with one line per error on stderr.
"""

COMMANDS: dict[str, tuple[str, str]] = {
    # name: (module, one-line help)
    "check": ("reviewer.commands.check", "load documents and a set, re-anchor, and report"),
    "export": ("reviewer.commands.export", "write a set as w3c, csv, jsonl, brat, doccano or labelstudio"),
    "import": ("reviewer.commands.import_", "read w3c, jsonl, doccano, brat or labelstudio into a set"),
    "agree": ("reviewer.commands.agree", "agreement of two sets: kappa, alpha, span P/R/F1"),
    "adjudicate": ("reviewer.commands.adjudicate", "what two sets agree on into a gold set; the disagreements, worst "
                                                   "first"),
    "query": ("reviewer.commands.query", "every annotation of some categories, or holding some text: a concordance"),
    "coverage": ("reviewer.commands.coverage", "policy x category matrix of annotation counts"),
    "lookup": ("reviewer.commands.lookup", "find a half-remembered clause, and every one like it, across policies"),
    "suggest": ("reviewer.commands.suggest", "categories for untagged clauses, learned from the set's own tags"),
    "versions": ("reviewer.commands.versions", "a versioned policy's recorded versions and what changed in each"),
    "diff": ("reviewer.commands.diff", "clause-level diff of two versions, and what happens to the annotations"),
    "carry": ("reviewer.commands.carry", "move a set's annotations to another version, one version at a time"),
}
