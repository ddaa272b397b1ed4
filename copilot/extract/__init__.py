"""Proposed rulebook entries read from an uploaded standard: forbidden lists, √/× pairs, required wording."""
