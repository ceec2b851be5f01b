"""`FileReport`s (+ source text) → output strings: text, JSON, SARIF, GitHub, annotated documents."""
