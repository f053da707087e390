"""Disjoint sets: the grouping step shared by entity resolution and story grouping."""

from __future__ import annotations


class UnionFind:
    """Groups of string nodes, merged pairwise; each group is named by its smallest node."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, node: str) -> str:
        """The group `node` belongs to (a new node is a group of its own)."""
        self.parent.setdefault(node, node)
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def union(self, a: str, b: str) -> None:
        """Merge the groups of `a` and `b`."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)
