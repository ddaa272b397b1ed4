"""Training of the product's own models from the corpora under `knowledge/training/` (`copilot train …`)."""
