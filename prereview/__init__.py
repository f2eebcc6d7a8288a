"""Pre-review: read uploaded materials, recognise them, extract their fields and judge the case."""
