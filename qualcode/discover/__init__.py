"""Theme discovery: cluster answers into themes with Swedish labels, relate them to a codebook
and draft new codes and keywords for an analyst to review."""
from qualcode.discover.cluster import AutoKMeans
from qualcode.discover.discoverer import Theme, ThemeDiscoverer

__all__ = ["AutoKMeans", "Theme", "ThemeDiscoverer"]
