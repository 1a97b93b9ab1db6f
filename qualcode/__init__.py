"""qualcode: qualitative coding of free-text survey answers, Swedish first."""

__version__ = "0.1.0"
