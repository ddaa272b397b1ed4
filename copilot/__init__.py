"""Agent copilot for Chinese call-centre and online-chat agents.

Importing the package is cheap: heavy backends (torch, Chroma) load when first used.
"""

__version__ = "0.1.0"
