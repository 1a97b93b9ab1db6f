"""Theme discovery: cluster answers into themes with Swedish labels, relate them to a codebook
and draft new codes and keywords for an analyst to review.

    from qualcode.discover import ThemeDiscoverer, discover, write_discovery
    model = ThemeDiscoverer(n_clusters="auto", unit="answer", random_state=0).fit(texts)
    model.themes_        # Theme(id, name, terms, size, answers, members, quotes), largest first
    found = discover(table, codebook=cb, uncoded_only=True, seed=0)   # -> Discovery
    write_discovery(found, "themes/")   # clusters.csv, themes.md/.html, map.png, suggestions
"""
from qualcode.discover.cluster import AutoKMeans
from qualcode.discover.discoverer import Theme, ThemeDiscoverer
from qualcode.discover.run import Discovery, discover, write_discovery

__all__ = ["AutoKMeans", "Discovery", "Theme", "ThemeDiscoverer", "discover", "write_discovery"]
