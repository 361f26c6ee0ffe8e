"""The demo hospital: a realistic, deterministic system of hospitals for demos and benchmarks.

Plain functions, no models: `seed.seed_hospital()` plans an organisation, its staff,
their shifts and their training from one random seed, then writes it in bulk.
"""
