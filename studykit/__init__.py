"""The study core, plain Python: schema, bank, search, grading, scheduling, store, stats, rooms."""
