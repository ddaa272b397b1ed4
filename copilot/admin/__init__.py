"""Knowledge administration: versioned knowledge bundles in Chroma, validated re-index, atomic switch."""
