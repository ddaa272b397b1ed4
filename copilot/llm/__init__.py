"""Calling a chat model: the backend registry, calls under a deadline (whole or streamed), prompt files, and
the guarded loop every model-written text goes through before anyone sees it as checked."""
