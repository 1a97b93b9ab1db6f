"""Theme discovery: cluster answers into themes with Swedish labels, relate them to a codebook
and draft new codes and keywords for an analyst to review.

    from qualcode.discover import LsaEmbedding, ThemeDiscoverer, discover, write_discovery
    model = ThemeDiscoverer(n_clusters="auto", unit="answer", random_state=0).fit(texts)   # E5
    model = ThemeDiscoverer(embedder=LsaEmbedding(random_state=0)).fit(texts)             # LSA
    model.themes_        # Theme(id, name, terms, size, answers, members, quotes), largest first
    found = discover(table, codebook=cb, uncoded_only=True, mode="auto", question="f1", seed=0)
    found.embedding      # EmbeddingChoice: "LSA (fast; 2.6M characters would take E5 about 10 minutes)"
    write_discovery(found, "themes/")   # clusters.csv, themes.md/.html, map.png, suggestions
"""
from qualcode.discover.cluster import AutoKMeans
from qualcode.discover.discoverer import Theme, ThemeDiscoverer
from qualcode.discover.embedding import LsaEmbedding, TextEmbedding
from qualcode.discover.modes import EmbeddingChoice, choose_embedding
from qualcode.discover.run import Discovery, discover, write_discovery

__all__ = ["AutoKMeans", "Discovery", "EmbeddingChoice", "LsaEmbedding", "TextEmbedding", "Theme",
           "ThemeDiscoverer", "choose_embedding", "discover", "write_discovery"]
