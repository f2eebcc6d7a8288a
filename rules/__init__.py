"""Acceptance standards as versioned declarative data, compiled to durable-rules and judged."""
