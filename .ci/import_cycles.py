"""No import cycle between any two modules of reviewer, imports inside functions included.

import-linter's contracts check layers and packages; this checks every module pair with the same
import graph (grimp), so a lazy import that closes a loop is caught too.
"""

from __future__ import annotations

import sys

import grimp


def cycles(package: str) -> list[list[str]]:
    graph = grimp.build_graph(package)
    modules = sorted(graph.modules)
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = [0]

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.find_modules_directly_imported_by(node)):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for module in modules:
        if module not in index:
            visit(module)
    return found


if __name__ == "__main__":
    found = cycles("reviewer")
    for component in found:
        print("import cycle: " + " <-> ".join(component), file=sys.stderr)
    print(f"import cycles: {len(found)}")
    raise SystemExit(1 if found else 0)
