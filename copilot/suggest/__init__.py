""""How do I respond to this": transcript → scenario → the standard's phrasings with citations."""
