"""Sources → cleaned documents → passages with citations."""
